"""The local model cache: listing, verification, and loud failure on corruption."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from transcribe.cli import app
from transcribe.errors import ChecksumError, ModelError
from transcribe.models import CATALOGUE, read_manifest, resolve_model_dir, verify_model, verify_models


def test_every_catalogue_model_is_installed_and_verifies(model_root):
    installed = verify_models(model_root)
    assert {m.name for m in installed} >= set(CATALOGUE)
    for m in installed:
        assert len(m.sha256) == 64
        assert all(len(d) == 64 for d in m.files.values())
    whisper = read_manifest(model_root)["whisper-base"]
    assert {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"} <= set(whisper.files)
    campplus = read_manifest(model_root)["campplus"]
    assert {"LICENSE", "THIRD_PARTY_LICENSES", "campplus.onnx"} <= set(campplus.files)
    segmentation = read_manifest(model_root)["pyannote-segmentation-3.0"]
    assert {"LICENSE", "pytorch_model.bin", "segmentation.onnx"} <= set(segmentation.files)


def test_campplus_in_onnx_runtime_embeds_real_speech_as_pytorch_does(model_root, two_speaker_wav):
    """Issue 15: on the CPU CAM++ runs from its ONNX export (faster); on real speech, with a whole chunk and
    with a speaker's frames only, its embeddings are PyTorch's own."""
    import numpy as np
    import torch

    from transcribe.audio import decode_audio
    from transcribe.diarise.campplus import CamPlusPlusEmbedding

    model = CamPlusPlusEmbedding(model_root / "campplus")
    assert model.session is not None
    chunk = torch.from_numpy(decode_audio(two_speaker_wav).samples[:160_000].copy())
    waveforms = chunk.reshape(1, 1, -1).repeat(3, 1, 1)
    weights = torch.zeros(3, 589)
    weights[0] = 1.0
    weights[1, 100:400] = 1.0
    weights[2, :5] = 1.0  # too few frames: no embedding either way
    with torch.inference_mode():
        fast = model(waveforms, weights).numpy()
        model.session = None
        slow = model(waveforms, weights).numpy()
    assert np.isnan(fast[2]).all() and np.isnan(slow[2]).all()
    for a, b in zip(fast[:2], slow[:2], strict=True):
        assert a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) > 0.9999
    assert not np.allclose(fast[0], fast[1], atol=1e-3)  # the mask is used


def test_segmentation_in_onnx_runtime_scores_real_speech_as_pytorch_does(model_root, two_speaker_wav):
    """Issue 15: on the CPU the segmentation network runs from its ONNX export (faster than PyTorch, far faster
    when other work shares the cores); on real speech, over several ONNX batches and on a short chunk, its
    scores are PyTorch's own."""
    import numpy as np
    import torch

    from transcribe.audio import decode_audio
    from transcribe.diarise.segmentation import load_segmentation

    model = load_segmentation(model_root / "pyannote-segmentation-3.0")
    assert model.onnx_session is not None
    samples = torch.from_numpy(decode_audio(two_speaker_wav).samples.copy())
    chunks = torch.stack([samples[i * 16_000:i * 16_000 + 160_000] for i in range(10)]).unsqueeze(1)
    for waveforms in (chunks, samples[-40_000:].reshape(1, 1, -1)):  # more than one ONNX batch; a short chunk
        with torch.inference_mode():
            fast = model(waveforms).numpy()
            session, model.onnx_session = model.onnx_session, None
            slow = model(waveforms).numpy()
            model.onnx_session = session
        assert fast.shape == slow.shape
        assert np.abs(fast - slow).max() < 1e-3
        assert (fast.argmax(-1) == slow.argmax(-1)).mean() > 0.999
        assert len(np.unique(slow.argmax(-1))) > 1  # real speech: more than one class is ever chosen


def test_an_install_without_the_segmentation_export_is_out_of_date(private_cache):
    """A cache installed before the ONNX export existed counts as built by an older recipe, so that
    `transcribe models install` rebuilds it and the pipeline finds the export it loads."""
    root, name = private_cache
    assert CATALOGUE[name].is_current(root / name)
    (root / name / "segmentation.onnx").unlink()
    assert not CATALOGUE[name].is_current(root / name)


@pytest.fixture
def private_cache(tmp_path, model_root):
    """A copy of the small segmentation model with its manifest entry, safe to damage."""
    name = "pyannote-segmentation-3.0"
    shutil.copytree(model_root / name, tmp_path / name)
    manifest = json.loads((model_root / "manifest.json").read_text())
    manifest["models"] = [m | {"path": str(tmp_path / name)} for m in manifest["models"] if m["name"] == name]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path, name


def test_corrupted_weight_fails_verification_loudly(private_cache):
    root, name = private_cache
    weights = root / name / "pytorch_model.bin"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    weights.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="sha256 mismatch on pytorch_model.bin"):
        verify_model(root, read_manifest(root)[name])


def test_missing_and_extra_files_fail_verification(private_cache):
    root, name = private_cache
    (root / name / "config.yaml").unlink()
    with pytest.raises(ChecksumError, match="missing"):
        verify_models(root)


def test_cli_verify_exits_non_zero_on_corruption(private_cache, monkeypatch):
    root, name = private_cache
    monkeypatch.setenv("TRANSCRIBE_MODEL_DIR", str(root))
    runner = CliRunner()
    assert runner.invoke(app, ["models", "verify"]).exit_code == 0
    (root / name / "pytorch_model.bin").write_bytes(b"not the weights")
    result = runner.invoke(app, ["models", "verify", "--json"])
    assert result.exit_code == 1
    assert "sha256 mismatch" in result.output


def test_cli_list_json_names_kind_path_checksum(model_root, monkeypatch):
    monkeypatch.setenv("TRANSCRIBE_MODEL_DIR", str(model_root))
    result = CliRunner().invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["name"] for r in rows} >= set(CATALOGUE)
    for r in rows:
        assert {"name", "kind", "path", "sha256"} <= set(r)
        assert r["kind"] in {"asr", "segmentation", "embedding", "sentence-embedding", "text-classifier",
                             "token-classifier"}


def test_model_may_be_any_local_directory(model_root, tmp_path):
    assert resolve_model_dir(model_root, "whisper-base", "asr") == model_root / "whisper-base"
    assert resolve_model_dir(model_root, str(tmp_path), "asr") == tmp_path.resolve()
    with pytest.raises(ModelError, match="neither an installed model"):
        resolve_model_dir(model_root, "large-v3", "asr")


def test_install_is_idempotent_and_quick_when_intact(private_cache):
    from transcribe.models import install_models

    root, name = private_cache
    messages = []
    install_models(root, [name], progress=messages.append)
    assert messages == [f"{name}: already installed"]


@pytest.fixture
def diarisation_cache(tmp_path, model_root):
    """A private copy of the two diarisation models with their manifest entries."""
    names = ("pyannote-segmentation-3.0", "campplus")
    for name in names:
        shutil.copytree(model_root / name, tmp_path / name)
    manifest = json.loads((model_root / "manifest.json").read_text())
    manifest["models"] = [m | {"path": str(tmp_path / m["name"])} for m in manifest["models"] if m["name"] in names]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_a_tampered_network_definition_is_refused_before_it_runs(diarisation_cache):
    """Issue 10: the CAM++ network definition is Python executed from the model cache. An edit that keeps the
    file's size and restores its modification time is still caught, and the code never runs."""
    import os

    from transcribe.diarise import Diariser

    root = diarisation_cache
    definition = root / "campplus" / "camplusplus.py"
    marker = root / "ran.txt"
    Diariser(root)  # verified (and remembered) once, intact
    original = definition.read_bytes()
    payload = f"open({str(marker)!r}, 'w').write('ran')\n".encode()
    tampered = payload + original[len(payload):]  # same size
    stat = definition.stat()
    definition.write_bytes(tampered)
    os.utime(definition, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(ChecksumError, match="campplus: sha256 mismatch on camplusplus.py"):
        Diariser(root)
    assert not marker.exists()


def test_verification_at_load_rehashes_only_changed_files(diarisation_cache, monkeypatch):
    """Loading verifies every file, but hashes a file again only when its size, times or inode changed since it
    was last verified: milliseconds for an intact cache."""
    import transcribe.models as models

    root = diarisation_cache
    assert resolve_model_dir(root, "campplus", "embedding") == root / "campplus"
    remembered = json.loads((root / models.VERIFIED).read_text())
    assert {"campplus/camplusplus.py", "campplus/campplus_cn_en_common.pt"} <= set(remembered)

    def no_hashing(path):
        raise AssertionError(f"{path} was hashed again although unchanged")

    monkeypatch.setattr(models, "sha256_file", no_hashing)
    assert resolve_model_dir(root, "campplus", "embedding") == root / "campplus"
    (root / "campplus" / "LICENSE").write_text("changed")
    with pytest.raises(AssertionError, match="LICENSE was hashed again"):
        resolve_model_dir(root, "campplus", "embedding")
