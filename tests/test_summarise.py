"""The deterministic CRISSA summariser on hand-made, role-labelled transcripts."""

import io
import re
from dataclasses import replace

import pytest
from test_roles import SESSION, make

from transcribe.render import docx_text, render_summary_docx
from transcribe.summary import assign_roles, relabel, summarise


def note(lines):
    transcript = make(lines)
    transcript.speakers = assign_roles(transcript)
    return transcript, summarise(transcript)


def test_actions_have_owner_deadline_and_rewriting():
    _, summary = note(SESSION + [("SPEAKER_00", "I'll bring my payslips next time."),
                                 ("SPEAKER_01", "You need to ring the alcohol service by Friday.")])
    actions = {(a.owner, a.text, a.deadline) for a in summary.actions}
    assert ("officer", "Officer to ring the housing officer tomorrow", "tomorrow") in actions
    assert ("person_on_probation", "Person on probation to bring their payslips next time", None) in actions
    assert ("person_on_probation", "Person on probation to ring the alcohol service by Friday", "by Friday") in actions
    assert all(a.timestamps and a.timestamps[0].startswith("[00:") for a in summary.actions)


def test_next_appointment_is_read_after_its_cue():
    _, summary = note([("SPEAKER_01", "How have you been since I last saw you?"),
                       ("SPEAKER_00", "Fine. My interview is on Thursday."),
                       ("SPEAKER_01", "Good luck on Thursday. Your next appointment is Tuesday the 14th at 10am "
                                      "at the Bolton office.")])
    a = summary.appointment
    assert (a.date, a.time, a.place) == ("Tuesday the 14th", "10 am", "the Bolton office")


def test_risk_flags_skip_negated_statements():
    _, summary = note(SESSION + [("SPEAKER_00", "I haven't used anything and I've not had a drink."),
                                 ("SPEAKER_00", "But I have started carrying a knife."),
                                 ("SPEAKER_00", "Some nights I think everyone would be better off without me.")])
    categories = [f.category for f in summary.risk_flags]
    assert "relapse" not in categories
    assert "weapons" in categories and "self-harm or suicide" in categories


def test_sections_cite_utterances_once_and_use_redacted_text():
    transcript, summary = note(SESSION)
    transcript.segments[1].redacted_text = "Not bad. I've been to see [PERSON 1]."
    summary = summarise(transcript)
    cited = [i for points in summary.crissa.values() for p in points for i in p.segments
             if points is not summary.crissa["set_task"] and points is not summary.crissa["appointment"]]
    assert len(cited) == len(set(cited))
    assert "[PERSON 1]" in summary.crissa["check_in"][0].text
    assert summary.crissa["appointment"][0].text.startswith("Next appointment: Tuesday")


def test_a_theme_needs_more_than_one_passing_mention_but_a_risk_needs_only_one():
    _, summary = note(SESSION + [("SPEAKER_00", "Fair enough. I've started carrying a knife though.")])
    assert "licence conditions and compliance" not in summary.themes  # one reminder of the conditions
    assert "attitudes" not in summary.themes  # "fair enough"
    assert [p.segments for p in summary.themes["risk and safeguarding"]] == [[9]]
    _, summary = note(SESSION + [("SPEAKER_00", "I know the conditions. I was late for my curfew once.")])
    assert "licence conditions and compliance" in summary.themes


def test_no_speech_gives_an_empty_note():
    from transcribe.records import Source, Transcript

    summary = summarise(Transcript(Source("x.wav", "0" * 64, 5.0), "en", {}, [], [], []))
    assert summary.actions == [] and summary.appointment is None and summary.notes


def test_a_risk_question_answered_no_is_not_a_flag_but_one_answered_otherwise_is():
    _, summary = note(SESSION + [("SPEAKER_01", "Have you been drinking since Saturday?"),
                                 ("SPEAKER_00", "No. Nothing since then."),
                                 ("SPEAKER_01", "Have you had any thoughts of harming yourself?"),
                                 ("SPEAKER_00", "Sometimes, late at night.")])
    flags = [(f.category, f.segments) for f in summary.risk_flags]
    assert flags == [("self-harm or suicide", [11, 12])]


def test_advice_for_if_and_when_is_not_a_task():
    _, summary = note(SESSION + [("SPEAKER_01", "Ring the Samaritans if you need to talk to someone."),
                                 ("SPEAKER_01", "What could you do next time?")])
    assert not [a for a in summary.actions if "talk to someone" in a.text or "next time" in a.text]


def test_appointment_times_as_recognised():
    for said, time in [("at 10 .30", "10:30"), ("at half -two", "half two"), ("at 31 o'clock", None)]:
        _, summary = note(SESSION[:-3] + [("SPEAKER_01", f"Your next appointment is on Friday {said}.")])
        assert (summary.appointment.date, summary.appointment.time) == ("Friday", time), said


def test_hitting_someone_is_violence_and_domestic_abuse_when_a_partner_is_involved():
    _, summary = note(SESSION + [("SPEAKER_00", "A lad at the bus stop started on me. I nearly hit him.")])
    assert [f.category for f in summary.risk_flags] == ["threats or violence"]
    _, summary = note(SESSION + [("SPEAKER_00", "Me and my girlfriend had a row."),
                                 ("SPEAKER_01", "What happened?"),
                                 ("SPEAKER_00", "I grabbed her arm when she tried to walk off.")])
    assert [f.category for f in summary.risk_flags] == ["domestic abuse"]


def test_child_protection_conditions_are_flagged():
    _, summary = note(SESSION + [("SPEAKER_01", "Until social care have looked at it, you must not be alone "
                                                "with the children.")])
    assert [f.category for f in summary.risk_flags] == ["children"]


def test_passive_suicidal_thoughts_and_officer_referrals():
    _, summary = note(SESSION + [("SPEAKER_00", "Some nights I think they'd all be better off if I just wasn't here."),
                                 ("SPEAKER_01", "I want to refer you to the NHS gambling clinic.")])
    assert [f.category for f in summary.risk_flags] == ["self-harm or suicide"]
    assert any(a.owner == "officer" and "gambling clinic" in a.text for a in summary.actions)


def test_medication_not_taken_is_flagged():
    _, summary = note(SESSION + [("SPEAKER_00", "I've not taken my meds for about two weeks.")])
    assert [f.category for f in summary.risk_flags] == ["missed medication"]


def test_a_medication_question_answered_no_is_missed_medication_and_an_unanswered_question_is_no_flag():
    _, summary = note(SESSION + [("SPEAKER_01", "You were on sertraline. Are you still taking it?"),
                                 ("SPEAKER_00", "Not really. I stopped a few weeks back.")])
    assert [(f.category, f.segments) for f in summary.risk_flags] == [("missed medication", [9, 10])]
    _, summary = note(SESSION + [("SPEAKER_00", "Fine."), ("SPEAKER_01", "Any thoughts of harming yourself?")])
    assert summary.risk_flags == []


def test_risk_told_as_history_and_over_is_no_flag_but_history_come_back_is():
    _, summary = note(SESSION + [("SPEAKER_00", "The assault was years back and I've done the anger course since.")])
    assert summary.risk_flags == []
    _, summary = note(SESSION + [("SPEAKER_00", "I tried to hang myself years ago and them thoughts are back.")])
    assert [f.category for f in summary.risk_flags] == ["self-harm or suicide"]


def test_instructions_without_a_subject_and_set_tasks_are_actions():
    _, summary = note(SESSION + [("SPEAKER_01", "Bring the letter and your diary."),
                                 ("SPEAKER_01", "And your job this week is to get to the chemist every day."),
                                 ("SPEAKER_01", "Ring me if things get heated."),
                                 ("SPEAKER_01", "So what could you do differently?"),
                                 ("SPEAKER_01", "Can you tell me what happened?"),
                                 ("SPEAKER_01", "Please don't just restart it on your own."),
                                 ("SPEAKER_01", "Can you tell your GP you stopped the tablets before you leave?"),
                                 ("SPEAKER_01", "And what I'd like you to do is ring the council."),
                                 ("SPEAKER_01", "So, by next time, bring in your shift rota."),
                                 ("SPEAKER_01", "I want you to hear that.")])
    texts = [a.text for a in summary.actions if a.owner == "person_on_probation"]
    assert texts == ["Person on probation to bring the letter and their diary",
                     "Person on probation to get to the chemist every day",
                     "Person on probation to tell their GP they stopped the tablets before they leave",
                     "Person on probation to ring the council", "Person on probation to bring in their shift rota"]


def test_what_is_disclosed_depends_on_the_conversation():
    _, summary = note(SESSION + [("SPEAKER_01", "Last time we talked about your medication. How is it going?"),
                                 ("SPEAKER_00", "Well. I've sort of stopped taking it."),
                                 ("SPEAKER_01", "And the job?"), ("SPEAKER_00", "I've stopped taking it seriously."),
                                 ("SPEAKER_00", "Some nights I think it'd be easier if I just didn't wake up.")])
    assert [f.category for f in summary.risk_flags] == ["missed medication", "self-harm or suicide"]


def test_a_brief_restatement_keeps_the_appointment_time():
    _, summary = note(SESSION[:6] + [("SPEAKER_01", "Right, let's get you booked in. How about Tuesday the 14th at half past two?"),
                                 ("SPEAKER_00", "Tuesday the 14th, half past two. Yeah."),
                                 ("SPEAKER_01", "Take care. See you on the 14th.")])
    assert (summary.appointment.date, summary.appointment.time) == ("Tuesday the 14th", "half past two")
    assert summary.appointment.segments[-1] == 8


@pytest.mark.parametrize("said,recorded,expected,mismatch", [
    ("Friday 11th", "2026-12-02", "2026-12-11", False),
    ("Tuesday the 15th", "2026-12-02", "2026-12-15", False),
    ("Wednesday the 15th", "2026-12-02", "2026-12-15", True),  # the 15th is a Tuesday: the officer checks
    ("the 3rd", "2026-12-29", "2027-01-03", False),  # past the month's end: the next month
    ("the 3rd of March", "2026-12-02", "2027-03-03", False),
    ("Thursday", "2026-12-02", "2026-12-03", False),
    ("Wednesday", "2026-12-02", "2026-12-09", False),  # the same weekday as the session: next week
    ("next Thursday", "2026-12-02", "2026-12-10", False),
    ("tomorrow", "2026-12-31", "2027-01-01", False),
    ("in two weeks' time", "2026-12-02", "2026-12-16", False),
    ("Monday the twenty first", "2026-12-02", "2026-12-21", False),
])
def test_the_appointment_day_becomes_a_calendar_date(said, recorded, expected, mismatch):
    from datetime import date

    from transcribe.summary.calendar import resolve

    day, check = resolve(said, date.fromisoformat(recorded))
    assert day.isoformat() == expected and bool(check) == mismatch, (day, check)


def test_the_note_shows_the_calendar_date_and_a_weekday_mismatch():
    transcript = make(SESSION[:-3] + [("SPEAKER_01", "Your next appointment is Wednesday the 15th at 10am.")])
    transcript.source = replace(transcript.source, recorded_at="2026-12-02T10:15:00")
    transcript.speakers = assign_roles(transcript)
    summary = summarise(transcript)
    assert summary.appointment.calendar_date == "2026-12-15"
    text = summary.crissa["appointment"][0].text
    assert "Tuesday 15 December 2026" in text and "check the recording" in text, text


def test_note_points_are_whole_sentences():
    from transcribe.summary.text import whole_sentences

    long = ("Since I last saw you I've been back at the gym every morning, and I'm sleeping better. "
            "Work is steady. My sister came round on Sunday and we went for a walk by the canal and had chips.")
    point = whole_sentences(long)
    assert point.endswith(".") and "…" not in point and len(point.split()) <= 30 and point in long
    _, summary = note(SESSION + [("SPEAKER_00", long)])
    for points in summary.crissa.values():
        assert all("…" not in p.text for p in points)


def test_one_voice_in_a_conversation_leaves_roles_unknown_and_says_so():
    lines = [("SPEAKER_00", "How have you been since I last saw you?"), ("SPEAKER_00", "Not great, to be honest."),
             ("SPEAKER_00", "What's been happening?"),
             ("SPEAKER_00", "Last week I had all my tablets lined up and I was going to take the lot."),
             ("SPEAKER_00", "Thank you for telling me. Are those thoughts there today? Let's make a safety plan.")]
    transcript, summary = note(lines)
    assert transcript.speakers[0].role is None and transcript.speakers[0].role_confidence == 0.0
    assert any("could not be separated" in n for n in summary.notes)
    assert "self-harm or suicide" in {f.category for f in summary.risk_flags}  # from the officer's response
    transcript, summary = note([("SPEAKER_00", "Note for the file. Mr Smith attended on time and was sober."),
                                ("SPEAKER_00", "He is working full time and reports no concerns.")])
    assert transcript.speakers[0].role == "officer" and not summary.notes  # a dictated note is no dialogue


def test_a_doubtful_split_of_voices_is_said_in_the_note():
    from test_roles import split

    for poor in (True, False):
        transcript = split(poor)
        transcript.speakers = assign_roles(transcript)
        transcript.summary = summarise(transcript)
        buffer = io.BytesIO()
        render_summary_docx(transcript, buffer)
        said = "may not have been separated well: 7 of 7 questions"
        assert any(said in n for n in transcript.summary.notes) == poor
        assert (said in docx_text(buffer.getvalue())) == poor  # in the Word note, not only in transcript.json
    # A reviewer who set the roles has settled who is who.
    transcript = relabel(split(True), "SPEAKER_00", role="officer")
    transcript.speakers = assign_roles(transcript)
    assert not any("separated" in n for n in summarise(transcript).notes)


def test_the_sessions_own_housekeeping_is_no_action():
    _, summary = note(SESSION + [("SPEAKER_01", "Right, I'll sum up where we are. I'll record that on the system "
                                                "and I'll make a note of it. Let's move on.")])
    assert not [a.text for a in summary.actions if re.search(r"sum up|record that|make a note|move on", a.text)]
