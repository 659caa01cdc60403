"""The pipeline one half at a time (issue 10): recognise, checkpoint, publish later; all-or-nothing model
loading; the diarisation thread closed with the pipeline; speaker hints as a record."""

import json
import stat
import threading

import pytest

from transcribe.errors import ModelError
from transcribe.options import AsrOptions, PipelineOptions, SpeakerHints
from transcribe.pipeline import Pipeline, load_checkpoint, save_checkpoint
from transcribe.records import Recognised, Transcript, from_dict, to_dict
from transcribe.render import docx_text

DOCUMENTS = ("transcript.docx", "summary.docx")
EXPORTS = ("transcript.txt", "transcript.srt", "transcript.vtt")


def _without_timings(path) -> dict:
    data = json.loads(path.read_text())
    data.pop("timings_s")
    return data


def test_publishing_from_a_reloaded_checkpoint_gives_the_same_documents(pipeline, two_speaker_wav, tmp_path):
    _, straight = pipeline.run(two_speaker_wav, tmp_path / "straight")

    recognised = pipeline.recognise(two_speaker_wav)
    checkpoint = tmp_path / "work" / "recognised.json"
    checkpoint.parent.mkdir()
    save_checkpoint(recognised, checkpoint)
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o600  # unredacted speech and voices
    reloaded = load_checkpoint(checkpoint)
    assert reloaded == recognised
    _, resumed = pipeline.publish(reloaded, tmp_path / "resumed")

    for name in DOCUMENTS:
        assert docx_text((straight.directory / name).read_bytes()) == docx_text((resumed.directory / name).read_bytes())
    for name in EXPORTS:
        assert (straight.directory / name).read_text() == (resumed.directory / name).read_text()
    assert _without_timings(straight.transcript_json) == _without_timings(resumed.transcript_json)
    assert {"decode", "asr", "diarise", "align", "redact", "summarise", "render", "total"} <= \
        set(json.loads(resumed.transcript_json.read_text())["timings_s"])
    # Publishing works on copies: the checkpoint in memory is still unredacted, ready for a retry.
    assert all(s.redacted_text == s.text for s in reloaded.segments)


def test_the_json_contract_round_trips_through_typed_records(pipeline, jfk_wav, tmp_path):
    transcript, outputs = pipeline.run(jfk_wav, tmp_path)
    data = json.loads(outputs.transcript_json.read_text())
    rebuilt = from_dict(Transcript, data)
    assert rebuilt == transcript
    assert type(rebuilt.summary.facts).__name__ == "SessionFacts"
    assert json.loads(json.dumps(to_dict(rebuilt))) == data


def test_a_damaged_checkpoint_is_a_clear_error(tmp_path):
    path = tmp_path / "recognised.json"
    path.write_text('{"schema": 1, "source": {}}')
    with pytest.raises(ValueError, match="not a usable recognition checkpoint.*recognise the recording again"):
        load_checkpoint(path)
    path.write_text(json.dumps({"schema": 99}))
    with pytest.raises(ValueError, match="schema 99"):
        load_checkpoint(path)


def test_speaker_hints_reach_diarisation(pipeline, two_speaker_wav):
    recognised = pipeline.recognise(two_speaker_wav, hints=SpeakerHints(max_speakers=1))
    assert isinstance(recognised, Recognised)
    assert len({t.speaker for t in recognised.speaker_turns}) == 1  # two people talk; one was asked for


def test_speaker_hints_are_validated():
    with pytest.raises(ValueError, match="min_speakers <= max_speakers"):
        SpeakerHints(min_speakers=3, max_speakers=2)
    with pytest.raises(ValueError, match="num_speakers"):
        SpeakerHints(num_speakers=0)


def test_loading_is_all_or_nothing_and_names_the_model_that_failed(model_root, tmp_path):
    """A cache without the risk classifier: the recognition models load first, then the publishing half
    fails; nothing is kept, and the message names the model and the fix."""
    root = tmp_path / "models"
    root.mkdir()
    manifest = json.loads((model_root / "manifest.json").read_text())
    manifest["models"] = [m for m in manifest["models"] if m["name"] != "risk-classifier"]
    for m in manifest["models"]:
        (root / m["name"]).symlink_to(model_root / m["name"])
    (root / "manifest.json").write_text(json.dumps(manifest))
    pipeline = Pipeline(root)
    with pytest.raises(ModelError, match=r"risk classifier model failed to load.*transcribe models install"):
        pipeline.load()
    assert not pipeline.loaded and pipeline.load_time_s is None


def test_closing_the_pipeline_stops_the_diarisation_thread(model_root, jfk_wav):
    before = set(threading.enumerate())
    with Pipeline(model_root, PipelineOptions(asr=AsrOptions(model="whisper-tiny.en"))) as pipeline:
        pipeline.recognise(jfk_wav)
        started = [t for t in threading.enumerate() if t not in before and t.name.startswith("diarise")]
        assert started
    assert not any(t.is_alive() for t in started)
    assert not pipeline.loaded
