"""The `transcribe run` command: one clear line per bad input, good inputs still processed, exit codes."""

import pytest
from typer.testing import CliRunner

from transcribe.cli import app


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_bad_inputs_are_reported_and_good_ones_still_processed(runner, tmp_path, jfk_wav, model_root, monkeypatch):
    monkeypatch.setenv("TRANSCRIBE_MODEL_DIR", str(model_root))
    empty = tmp_path / "empty.wav"
    empty.touch()
    text = tmp_path / "notes.m4a"
    text.write_text("not audio at all\n" * 20)
    same_stem = tmp_path / "other" / "jfk.wav"
    same_stem.parent.mkdir()
    same_stem.write_bytes(jfk_wav.read_bytes())
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--quiet", "--model", "whisper-tiny.en", str(tmp_path / "missing.mp3"),
                                 str(empty), str(text), str(jfk_wav), str(same_stem), "--out", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == ["error: missing.mp3: file not found",
                      "error: empty.wav: file is empty (0 bytes)",
                      "error: notes.m4a: not a readable audio file (unknown format or corrupt data)"]
    assert "Traceback" not in result.output
    assert (out / "jfk" / "transcript.docx").is_file()
    assert (out / "jfk-2" / "transcript.docx").is_file()  # same name from another folder is not overwritten
    assert "jfk.wav: 11.0 s audio, 1 speaker(s)" in result.output
    assert "x real time" in result.output


def test_unknown_model_is_a_clear_error(runner, tmp_path, jfk_wav, model_root, monkeypatch):
    monkeypatch.setenv("TRANSCRIBE_MODEL_DIR", str(model_root))
    result = runner.invoke(app, ["run", "--model", "large-v9", str(jfk_wav), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "neither an installed model" in result.output


def test_speaker_bounds_are_validated(runner, tmp_path, jfk_wav):
    result = runner.invoke(app, ["run", "--min-speakers", "3", "--max-speakers", "2", str(jfk_wav)])
    assert result.exit_code == 2
    assert "min_speakers" in result.output


def test_relabel_rewrites_json_and_documents(runner, tmp_path, jfk_wav, model_root, monkeypatch):
    import json

    from docx import Document

    monkeypatch.setenv("TRANSCRIBE_MODEL_DIR", str(model_root))
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", "--quiet", "--model", "whisper-tiny.en", str(jfk_wav), "--out", str(out)]
                         ).exit_code == 0
    result = runner.invoke(app, ["relabel", str(out / "jfk"), "--speaker", "SPEAKER_00", "--role", "officer",
                                 "--name", "Jo Walsh"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "jfk" / "transcript.json").read_text())
    assert data["speakers"][0] | {"talk_time_s": 0} == {
        "id": "SPEAKER_00", "role": "officer", "name": "Jo Walsh", "talk_time_s": 0, "role_confidence": 1.0,
        "role_source": "person"}
    paragraphs = [p.text for p in Document(str(out / "jfk" / "transcript.docx")).paragraphs]
    assert any("Officer (Jo Walsh): " in p for p in paragraphs)
    assert "Officer (Jo Walsh): " in (out / "jfk" / "transcript.txt").read_text()
    bad = runner.invoke(app, ["relabel", str(out / "jfk"), "--speaker", "SPEAKER_07", "--role", "officer"])
    assert bad.exit_code == 1 and "no speaker" in bad.output
