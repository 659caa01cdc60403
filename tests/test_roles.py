"""Speaker roles from what is said, and relabelling (pure logic on hand-made transcripts)."""

import pytest

from transcribe.records import Segment, Source, Speaker, Transcript
from transcribe.render import speaker_display_name
from transcribe.summary import assign_roles, relabel
from transcribe.summary.roles import answers_in_another_voice, speakers_poorly_separated


def make(lines):
    segments, t = [], 0.0
    for speaker, text in lines:
        segments.append(Segment(t, t + 2, speaker, text, [], redacted_text=text))
        t += 3
    ids = sorted({s for s, _ in lines})
    speakers = [Speaker(i, sum(2.0 for s, _ in lines if s == i)) for i in ids]
    return Transcript(Source("x.wav", "0" * 64, t), "en", {}, speakers, [], segments)


SESSION = [
    ("SPEAKER_01", "Morning, come in. How have you been since I last saw you?"),
    ("SPEAKER_00", "Not bad. I've been trying to keep busy, my mum's been ill."),
    ("SPEAKER_01", "Sorry to hear that. Are you still working at the warehouse?"),
    ("SPEAKER_00", "Yeah, three days a week."),
    ("SPEAKER_01", "Good. I need to remind you about your licence conditions. Any contact with the victim?"),
    ("SPEAKER_00", "No, none. I promise."),
    ("SPEAKER_01", "OK. Next appointment is Tuesday at ten. I'll ring the housing officer tomorrow."),
    ("SPEAKER_00", "Cheers."),
    ("SPEAKER_01", "See you Tuesday."),
]


def test_officer_is_the_one_asking_and_steering():
    speakers = {s.id: s for s in assign_roles(make(SESSION))}
    assert speakers["SPEAKER_01"].role == "officer"
    assert speakers["SPEAKER_00"].role == "person_on_probation"
    assert speakers["SPEAKER_01"].role_confidence > 0.8
    assert speakers["SPEAKER_01"].role_source == "auto"


def test_roles_do_not_depend_on_label_order():
    swapped = [("SPEAKER_00" if s == "SPEAKER_01" else "SPEAKER_01", t) for s, t in SESSION]
    speakers = {s.id: s.role for s in assign_roles(make(swapped))}
    assert speakers == {"SPEAKER_00": "officer", "SPEAKER_01": "person_on_probation"}


def test_interpreter_is_recognised():
    lines = SESSION[:2] + [("SPEAKER_02", "He says he has been trying to keep busy, his mother is ill."),
                           ("SPEAKER_02", "She says the job is three days.")] + SESSION[2:]
    speakers = {s.id: s.role for s in assign_roles(make(lines))}
    assert speakers["SPEAKER_02"] == "interpreter" and speakers["SPEAKER_01"] == "officer"


INTERVIEW = [
    ("How have you been since I last saw you?", "Up and down, if I'm honest."),
    ("Are you still at the car wash?", "Three mornings a week now."),
    ("Did you manage to see the GP?", "Yeah, Tuesday, she upped my dose."),
    ("How's the flat?", "Damp, but the landlord's sending someone."),
    ("Have you had a drink since last time?", "A couple of cans at my brother's, that's all."),
    ("What about the course, when does it start?", "The twentieth, I've got the letter."),
    ("Any contact with your ex?", "None, I've blocked her number."),
]


def split(questions_with_answers):
    """The interview as diarisation gave it: each question and its answer in one "speaker", alternating
    (``questions_with_answers``), or question and answer in different voices."""
    if questions_with_answers:
        return make([(f"SPEAKER_0{k % 2}", f"{q} {a}") for k, (q, a) in enumerate(INTERVIEW)])
    return make([line for q, a in INTERVIEW for line in (("SPEAKER_01", q), ("SPEAKER_00", a))])


def test_role_confidence_follows_how_well_the_voices_were_split():
    good = {s.id: s for s in assign_roles(split(False))}
    assert good["SPEAKER_01"].role == "officer" and good["SPEAKER_01"].role_confidence > 0.9
    assert answers_in_another_voice(split(False).segments) == (7, 7)
    assert speakers_poorly_separated(split(False)) is None
    # Every answer in its asker's voice: whichever "speaker" asked more, the roles are a coin toss.
    poor = split(True)
    assert answers_in_another_voice(poor.segments) == (0, 7)
    assert all(s.role_confidence <= 0.55 for s in assign_roles(poor))
    assert speakers_poorly_separated(poor) == (7, 7)
    # Too few questions to judge the split: the cues alone decide.
    few = make([(f"SPEAKER_0{k % 2}", f"{q} {a}") for k, (q, a) in enumerate(INTERVIEW[:4])])
    assert speakers_poorly_separated(few) is None


def test_tag_questions_do_not_count_as_questions_asked():
    lines = [("SPEAKER_00", "I went round there, yeah? And she wasn't in."), ("SPEAKER_01", "Right.")] * 6
    assert answers_in_another_voice(make(lines).segments) == (0, 0)


def test_relabel_sets_role_and_name_and_survives_reassignment():
    transcript = make(SESSION)
    transcript.speakers = assign_roles(transcript)
    fixed = relabel(transcript, "SPEAKER_00", role="officer", name="Joanne Walsh")
    fixed = relabel(fixed, "SPEAKER_01", role="person_on_probation", name="Kacper Nowak")
    fixed.speakers = assign_roles(fixed)  # a person's decision is not overridden
    speakers = {s.id: s for s in fixed.speakers}
    assert speakers["SPEAKER_00"].role == "officer" and speakers["SPEAKER_00"].role_source == "person"
    assert speakers["SPEAKER_00"].role_confidence == 1.0
    # only the officer's own name is shown in shared documents
    assert speaker_display_name(fixed, "SPEAKER_00") == "Officer (Joanne Walsh)"
    assert speaker_display_name(fixed, "SPEAKER_01") == "Person on probation"


def test_relabel_rejects_unknown_speaker_and_role():
    transcript = make(SESSION)
    with pytest.raises(ValueError, match="no speaker"):
        relabel(transcript, "SPEAKER_09", role="officer")
    with pytest.raises(ValueError, match="role must be one of"):
        relabel(transcript, "SPEAKER_00", role="judge")
