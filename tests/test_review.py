"""People's corrections to a published transcript (transcribe.review), applied by publishing again from the
recognition checkpoint with the real publishing half: redaction, roles, note, documents and leak check."""

import pytest

from transcribe.records import Recognised, Segment, Source, Speaker, SpeakerTurn, Word
from transcribe.render import docx_text
from transcribe.review import (
    Checked,
    EditAction,
    EditPoint,
    Merge,
    Redact,
    Relabel,
    SetAppointment,
    Unredact,
    parse,
    revise,
    to_json,
)

LINES = [("SPEAKER_00", "Morning Kacper, how have you been since I last saw you?"),
         ("SPEAKER_01", "Not bad. I moved in with my sister in Leeds last week."),
         ("SPEAKER_00", "Good. Bring your tenancy letter next time please."),
         ("SPEAKER_02", "I will. I also started at Pennine Fencing on Monday."),
         ("SPEAKER_00", "Well done. Are you still seeing your mate chopper from the hostel?"),
         ("SPEAKER_01", "No. Chopper moved away, and I have not seen chopper since.")]


def _recognised() -> Recognised:
    segments, turns = [], []
    for i, (speaker, text) in enumerate(LINES):
        start = 5.0 * i
        words = [Word(start + 0.3 * j, start + 0.3 * j + 0.25, w, 0.9, speaker) for j, w in enumerate(text.split())]
        segments.append(Segment(start, words[-1].end, speaker, text, words, redacted_text=text))
        turns.append(SpeakerTurn(start, words[-1].end, speaker))
    speakers = [Speaker(s, sum(t.end - t.start for t in turns if t.speaker == s)) for s in
                ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02")]
    return Recognised(Source("session.m4a", "0" * 64, 30.0), "en", {"asr": "test", "diarisation": "test"},
                      speakers, turns, segments)


def _said(transcript) -> str:
    return " ".join(s.redacted_text for s in transcript.segments)


def test_corrections_parse_from_their_json_and_bad_ones_are_refused():
    for correction in (Relabel("SPEAKER_00", "officer", "Jo Walsh"), Merge("SPEAKER_02", "SPEAKER_01"),
                       Redact("Chopper"), EditPoint("review", "was", "now"), Checked("jwalsh", "2026-12-02")):
        assert parse(to_json(correction)) == correction
    for bad in ({"kind": "rewrite"}, {"kind": "redact"}, {"kind": "redact", "term": "x"},
                {"kind": "redact", "term": "Leeds", "colour": "red"}, {"kind": "relabel", "speaker": "S", "role": "boss"},
                {"kind": "note", "section": "gossip", "was": "", "text": "x"}, {"kind": "redact", "term": "a" * 501},
                {"kind": "action", "was": "", "text": "x", "owner": "judge"}):
        with pytest.raises(ValueError):
            parse(bad)


def test_a_redaction_applies_to_every_mention_and_an_undone_one_is_shown_again(pipeline):
    before = pipeline.prepare(_recognised())
    assert "Leeds" not in _said(before) and _said(before).lower().count("chopper") == 3  # a nickname: not caught
    after = revise(pipeline, _recognised(), [Redact("Chopper"), Unredact("Leeds")])
    said = _said(after)
    assert "chopper" not in said.lower() and "Leeds" in said and "Kacper" not in said  # other names stay redacted
    placeholders = {r.placeholder for r in after.redactions
                    if after.segments[r.segment].text[r.start:r.end].lower() == "chopper"}
    assert len(placeholders) == 1  # every mention, whatever its case, under one placeholder
    # The last word on a term wins: redacted, kept, redacted again.
    again = revise(pipeline, _recognised(), [Redact("Leeds"), Unredact("Leeds"), Redact("Leeds")])
    assert "Leeds" not in _said(again)


def test_speakers_are_merged_and_relabelled_and_the_note_follows(pipeline):
    corrections = [Merge("SPEAKER_02", "SPEAKER_01"), Relabel("SPEAKER_00", "officer", "Jo Walsh"),
                   Relabel("SPEAKER_01", "person_on_probation")]
    transcript = revise(pipeline, _recognised(), corrections)
    assert [s.id for s in transcript.speakers] == ["SPEAKER_00", "SPEAKER_01"]
    assert {s.speaker for s in transcript.segments} == {"SPEAKER_00", "SPEAKER_01"}
    assert all(w.speaker == s.speaker for s in transcript.segments for w in s.words)
    roles = {s.id: (s.role, s.name, s.role_source) for s in transcript.speakers}
    assert roles["SPEAKER_00"][:2] == ("officer", "Jo Walsh") and roles["SPEAKER_01"][0] == "person_on_probation"
    talk = {s.id: s.talk_time_s for s in transcript.speakers}
    assert talk["SPEAKER_01"] == pytest.approx(sum(t.end - t.start for t in _recognised().speaker_turns
                                                   if t.speaker != "SPEAKER_00"))
    assert transcript.summary.actions and all(a.owner in ("officer", "person_on_probation")
                                              for a in transcript.summary.actions)


def test_note_edits_apply_by_the_text_they_change_and_a_stale_one_is_reported(pipeline):
    base = pipeline.prepare(_recognised()).summary
    first_action = base.actions[0].text
    corrections = [EditPoint("review", "", "Settled at his sister's; started work this week."),
                   EditAction(first_action, "", "person_on_probation"),
                   EditAction("", "Officer to check the tenancy letter", "officer", "next session"),
                   SetAppointment("Friday 20 March", "11:00", "the office"),
                   EditPoint("check_in", "A point nobody wrote", "replacement")]
    note = revise(pipeline, _recognised(), corrections).summary
    assert "Settled at his sister's; started work this week." in [p.text for p in note.crissa["review"]]
    assert first_action not in [a.text for a in note.actions]
    assert ("officer", "Officer to check the tenancy letter", "next session") in [(a.owner, a.text, a.deadline)
                                                                                  for a in note.actions]
    assert "Officer to check the tenancy letter (by next session)" in [p.text for p in note.crissa["set_task"]]
    assert (note.appointment.date, note.appointment.time, note.appointment.place) == ("Friday 20 March", "11:00",
                                                                                      "the office")
    assert any("no longer applies" in n for n in note.notes)


def test_documents_are_drafts_until_the_officer_checks_and_again_after_a_later_change(pipeline, tmp_path):
    from transcribe.publish import write_outputs

    checked = [Redact("Chopper"), Checked("jwalsh", "2026-12-02T10:00:00+00:00")]
    for name, corrections, draft in (("draft", [Redact("Chopper")], True), ("checked", checked, False),
                                     ("changed", [*checked, Redact("tenancy letter")], True)):
        transcript = revise(pipeline, _recognised(), corrections)
        assert (transcript.review.checked_by is None) == draft
        outputs = write_outputs(transcript, tmp_path / name)  # the leak check passes on the revised documents
        for document in ("transcript.docx", "summary.docx"):
            text = docx_text((outputs.directory / document).read_bytes())
            assert ("DRAFT" in text) == draft, (name, document)
            assert "chopper" not in text.lower()
