"""Opt-in officer voice profiles: enrol from one recording, recognise the officer in another, delete."""

import stat

from typer.testing import CliRunner

from transcribe.cli import app
from transcribe.diarise.voiceprint import load_profiles
from transcribe.options import PipelineOptions
from transcribe.pipeline import Pipeline

SESSIONS = "tests/data/sessions"


def test_enrol_recognise_and_delete(model_root, tmp_path, monkeypatch):
    profiles = tmp_path / "profiles"
    monkeypatch.setenv("TRANSCRIBE_MODEL_DIR", str(model_root))
    monkeypatch.setenv("TRANSCRIBE_VOICE_PROFILES_DIR", str(profiles))
    runner = CliRunner()
    # The officer opens s1 (SPEAKER_00 there); enrol that voice.
    result = runner.invoke(app, ["voice", "enrol", "jwalsh", f"{SESSIONS}/s1_housing_work.ogg",
                                 "--speaker", "SPEAKER_00"])
    assert result.exit_code == 0, result.output
    [profile] = load_profiles(profiles)
    assert profile.officer_id == "jwalsh" and len(profile.embedding) == 192
    assert stat.S_IMODE((profiles / "jwalsh.json").stat().st_mode) == 0o600
    assert "jwalsh" in runner.invoke(app, ["voice", "list"]).output

    # Another session by the same officer: recognised by voice, named, and the other speaker is not.
    pipeline = Pipeline(model_root, PipelineOptions(voice_profiles=profiles))
    transcript = pipeline.transcribe(f"{SESSIONS}/s4_money_mood.ogg")
    by_role = {s.role: s for s in transcript.speakers}
    assert by_role["officer"].role_source == "voice" and by_role["officer"].name == "jwalsh"
    assert by_role["officer"].role_confidence >= 0.6
    assert by_role["person_on_probation"].name is None
    # The voice agrees with what was said: the officer's utterances ask the questions.
    officer_lines = [s.text for s in transcript.segments if s.speaker == by_role["officer"].id]
    assert sum(t.count("?") for t in officer_lines) >= 3

    assert runner.invoke(app, ["voice", "delete", "jwalsh"]).exit_code == 0
    assert load_profiles(profiles) == []
    assert runner.invoke(app, ["voice", "delete", "jwalsh"]).exit_code == 1


def test_profiles_are_off_unless_a_folder_is_configured(monkeypatch):
    monkeypatch.delenv("TRANSCRIBE_VOICE_PROFILES_DIR", raising=False)
    result = CliRunner().invoke(app, ["voice", "list"])
    assert result.exit_code == 2 and "opt in" in result.output
