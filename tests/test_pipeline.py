"""End to end with the real models on real recordings: JSON contract, speakers, timestamps, Word file."""

import json
import stat
import subprocess
import threading
from dataclasses import replace

import jsonschema
import pytest
from conftest import convert
from docx import Document

from transcribe.render import NO_SPEECH, STYLES, speaker_display_name, transcript_schema


@pytest.fixture(scope="module")
def two_speaker_run(pipeline, two_speaker_wav, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    transcript, outputs = pipeline.run(two_speaker_wav, out)
    return transcript, outputs


def test_json_validates_against_schema_and_is_owner_only(two_speaker_run):
    transcript, outputs = two_speaker_run
    data = json.loads(outputs.transcript_json.read_text())
    jsonschema.validate(data, transcript_schema())
    assert data["schema"] == 1
    assert stat.S_IMODE(outputs.transcript_json.stat().st_mode) == 0o600
    assert list(data)[:3] == ["schema", "source", "language"]
    assert data["source"]["filename"] == "pyannote_sample.wav"
    assert set(data["timings_s"]) >= {"decode", "asr", "diarise", "align", "render", "total"}


def test_two_speakers_found_and_both_speak(two_speaker_run):
    transcript, _ = two_speaker_run
    assert len(transcript.speakers) == 2
    assert {s.speaker for s in transcript.segments} == {"SPEAKER_00", "SPEAKER_01"}
    for speaker in transcript.speakers:
        assert speaker.talk_time_s > 5.0  # both people in sample.wav talk for ~12 s


def test_words_have_monotonic_timestamps_inside_the_audio(two_speaker_run):
    transcript, _ = two_speaker_run
    duration = transcript.source.duration_s
    words = [w for s in transcript.segments for w in s.words]
    assert len(words) > 40
    for w in words:
        assert 0.0 <= w.start <= w.end <= duration + 0.01
        assert 0.0 <= w.probability <= 1.0
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    for seg in transcript.segments:
        assert seg.start == seg.words[0].start and seg.end == seg.words[-1].end
        assert all(w.speaker == seg.speaker for w in seg.words)


def test_transcript_content_is_recognised(two_speaker_run):
    transcript, _ = two_speaker_run
    text = " ".join(s.text for s in transcript.segments).lower()
    for phrase in ("hello", "new jersey", "chicago", "originally from"):
        assert phrase in text


def test_docx_holds_every_utterance_with_timestamp_and_speaker(two_speaker_run):
    transcript, outputs = two_speaker_run
    doc = Document(str(outputs.transcript_docx))
    body = [p.text for p in doc.paragraphs]
    for seg in transcript.segments:
        label = speaker_display_name(transcript, seg.speaker)
        assert any(seg.redacted_text in p and f" {label}: " in p and p.startswith("[00:00:") for p in body), seg.text
    facts = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert facts["Source file"] == "pyannote_sample.wav"
    assert "SPEAKER_00" in facts["Speakers"] and "SPEAKER_01" in facts["Speakers"]
    assert "Officer" in facts["Speakers"] and "Person on probation" in facts["Speakers"]
    assert "whisper-base" in facts["Speech recognition"]
    names = {s.name for s in doc.styles}
    assert set(STYLES) <= names
    assert any("Legend" in p for p in body)


def test_real_names_and_places_are_redacted_in_the_docx(two_speaker_run):
    """sample.wav: "This is Diane in New Jersey", "I'm Sheila in Texas, originally from Chicago"."""
    from transcribe.render import docx_text

    transcript, outputs = two_speaker_run
    said = " ".join(s.text for s in transcript.segments)
    shared = docx_text(outputs.transcript_docx.read_bytes())
    for value in ("Diane", "New Jersey", "Chicago"):
        assert value in said  # the recogniser heard it...
        assert value not in shared  # ...and the shared document does not show it
    labels = {r.label for r in transcript.redactions}
    assert {"PERSON", "LOCATION"} <= labels
    assert "Redaction log" in shared and "[PERSON 1]" in shared


def test_low_confidence_words_are_highlighted(pipeline, two_speaker_run):
    transcript, outputs = two_speaker_run
    doc = Document(str(outputs.transcript_docx))
    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.style.name == "Uncertain Word"]
    uncertain = [w.word for s in transcript.segments if s.redacted_text == s.text
                 for w in s.words if w.probability < 0.5]
    assert highlighted[1:] == uncertain  # the first is the legend's own example


def test_silence_only_gives_a_no_speech_transcript(pipeline, tmp_path, ffmpeg_exe):
    silence = tmp_path / "silence.m4a"
    subprocess.run([ffmpeg_exe, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "anoisesrc=d=8:c=white:a=0.0005", "-ar", "16000", "-c:a", "aac", str(silence)], check=True)
    transcript, outputs = pipeline.run(silence, tmp_path / "out")
    assert transcript.segments == []
    assert not transcript.has_speech
    doc = Document(str(outputs.transcript_docx))
    assert any(NO_SPEECH in p.text for p in doc.paragraphs)


def test_single_speaker_speech_in_another_format(pipeline, jfk_wav, tmp_path, ffmpeg_exe):
    mp3 = convert(ffmpeg_exe, jfk_wav, tmp_path / "jfk.mp3", "-c:a", "libmp3lame")
    transcript = pipeline.transcribe(mp3)
    text = " ".join(s.text for s in transcript.segments).lower()
    assert "ask not what your country can do for you" in text
    assert len({s.speaker for s in transcript.segments}) == 1


def test_logs_carry_no_transcript_text_or_file_name(pipeline, jfk_wav, tmp_path, caplog):
    named = tmp_path / "john-smith-supervision.wav"
    named.write_bytes(jfk_wav.read_bytes())
    with caplog.at_level("DEBUG"):
        transcript = pipeline.transcribe(named)
    assert transcript.segments
    logged = caplog.text.lower()
    assert "recording" in logged  # the run was logged...
    assert "john-smith" not in logged  # ...without the file name
    for seg in transcript.segments:
        for phrase in (seg.text.lower(), " ".join(w.word.lower() for w in seg.words[:4])):
            assert phrase not in logged


def test_text_and_subtitle_exports_are_redacted(two_speaker_run):
    transcript, outputs = two_speaker_run
    txt = (outputs.directory / "transcript.txt").read_text()
    srt = (outputs.directory / "transcript.srt").read_text()
    vtt = (outputs.directory / "transcript.vtt").read_text()
    assert txt.splitlines() == [f"[00:00:{int(s.start):02d}] {speaker_display_name(transcript, s.speaker)}: "
                                f"{s.redacted_text}" for s in transcript.segments]
    blocks = srt.strip().split("\n\n")
    assert len(blocks) == len(transcript.segments)
    first = blocks[0].splitlines()
    assert first[0] == "1" and " --> " in first[1] and first[1].count(",") == 2
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == len(transcript.segments)
    assert "<v Officer>" in vtt and "<v Person on probation>" in vtt
    for export in (txt, srt, vtt):
        assert "Chicago" not in export and "New Jersey" not in export and "[PLACE" in export
    assert all(p.stat().st_mode & 0o077 == 0 for p in outputs.directory.iterdir())


def test_summary_docx_is_a_redacted_crissa_note(two_speaker_run):
    from transcribe.render import docx_text

    transcript, outputs = two_speaker_run
    doc = Document(str(outputs.summary_docx))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:6] == ["Check-in", "Review", "Intervention", "Summary", "Set task", "Appointment"]
    assert {"Actions", "Themes"} <= set(headings)
    text = docx_text(outputs.summary_docx.read_bytes())
    assert "Risk and safeguarding flags for the supervisor" in text
    assert "must check it" in text  # footer: how it was produced, and that the officer checks it
    assert "Chicago" not in text and "New Jersey" not in text
    data = json.loads(outputs.transcript_json.read_text())
    assert set(data["summary"]) >= {"crissa", "themes", "actions", "appointment", "risk_flags", "facts"}
    assert stat.S_IMODE(outputs.summary_docx.stat().st_mode) == 0o600


def test_session_date_comes_from_the_recordings_metadata(pipeline, jfk_wav, tmp_path, ffmpeg_exe):
    from transcribe.render import docx_text

    m4a = convert(ffmpeg_exe, jfk_wav, tmp_path / "session.m4a", "-metadata", "creation_time=2026-03-12T10:15:00Z")
    transcript, outputs = pipeline.run(m4a, tmp_path / "out")
    assert transcript.summary.facts.recorded_at == "2026-03-12T10:15:00+00:00"
    assert "Session date\n12 March 2026, 10:15 (from the recording)" in docx_text(outputs.summary_docx.read_bytes())
    assert "Recorded\n12 March 2026, 10:15 (from the recording)" in docx_text(outputs.transcript_docx.read_bytes())


def test_long_recordings_run_recognition_and_diarisation_one_after_the_other(pipeline, two_speaker_wav):
    # Above options.side_by_side_max_s diarisation runs in the calling thread, before recognition (memory);
    # the result is the same as side by side.
    threads: dict[str, set[str]] = {}

    def progress(stage, fraction):
        threads.setdefault(stage, set()).add(threading.current_thread().name)

    side_by_side = pipeline.recognise(two_speaker_wav, progress)
    assert all(name.startswith("diarise") for name in threads["diarise"]), threads
    threads.clear()
    saved = pipeline.options
    pipeline.options = replace(saved, side_by_side_max_s=0)
    try:
        in_turn = pipeline.recognise(two_speaker_wav, progress)
    finally:
        pipeline.options = saved
    assert threads["diarise"] == {threading.current_thread().name}, threads
    assert [(t.start, t.end, t.speaker) for t in in_turn.speaker_turns] == \
        [(t.start, t.end, t.speaker) for t in side_by_side.speaker_turns]
    assert [(s.start, s.speaker, s.text) for s in in_turn.segments] == \
        [(s.start, s.speaker, s.text) for s in side_by_side.segments]
