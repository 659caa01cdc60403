"""pyannote/segmentation-3.0 loaded for pyannote's pipeline, its network run in ONNX Runtime on the CPU.

The network (SincNet, a 4-layer bidirectional LSTM, linear layers) is exported at install by
:func:`export_onnx` from the same checkpoint and refused there unless ONNX Runtime's output matches
PyTorch's. On two idle cores ONNX Runtime runs a batch of 32 ten-second chunks in 0.6 s against PyTorch's 0.9 s;
with other work on the cores (in the pipeline recognition runs beside diarisation) PyTorch's LSTM falls to
10-18 s a batch while ONNX Runtime takes 1.2-1.9 s. On the 60-minute benchmark recording the diarisation stage
took 203 s instead of 233 s beside recognition (same turns, 141 MB less peak memory). The pyannote ``Model`` is
kept whole (its specifications, receptive field and powerset conversion are what the pipeline reads); only its
``forward`` is swapped, and it falls back to PyTorch when the model is moved to a GPU or ``onnx_session`` is set
to ``None``.
"""

from __future__ import annotations

from .. import runtime  # noqa: F401  (offline switches, and CTranslate2 before torch: see runtime.py)

# isort: split
import warnings
from pathlib import Path

import numpy as np
import torch
from pyannote.audio import Model

from ..errors import ModelError
from .onnx_cpu import cpu_session

WEIGHTS = "pytorch_model.bin"
ONNX = "segmentation.onnx"
_WINDOW_SAMPLES = 160_000  # the model's 10 s window at 16 kHz
# Chunks run through ONNX Runtime at a time: as fast per chunk as pyannote's batches of 32 (0.54 s against
# 0.6 s for 32 chunks), with a quarter of the intermediate memory (SincNet's first layer alone is 5 MB a chunk).
_ONNX_BATCH = 8


def _load_network(directory: Path):
    try:
        model = Model.from_pretrained(str(directory / WEIGHTS))
    except Exception as e:  # pyannote raises assorted errors for a bad checkpoint
        raise ModelError(f"cannot load the segmentation model from {directory}: {e}") from e
    if model is None:
        raise ModelError(f"cannot load the segmentation model from {directory}")
    return model.eval()


def export_onnx(directory: Path) -> None:
    """Write ``directory/segmentation.onnx``: the network with a free batch size and number of samples,
    refused unless ONNX Runtime's log-probabilities match PyTorch's (within 1e-3) on several inputs."""
    import onnxruntime as ort

    network = _load_network(directory)
    target = directory / ONNX
    example = torch.randn(2, 1, _WINDOW_SAMPLES, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and tracer warnings
        torch.onnx.export(network, (example,), str(target), input_names=["waveforms"], output_names=["scores"],
                          dynamic_axes={"waveforms": {0: "batch", 2: "samples"}, "scores": {0: "batch", 1: "frames"}},
                          opset_version=17, dynamo=False)
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    for batch, samples in ((1, _WINDOW_SAMPLES), (5, _WINDOW_SAMPLES), (3, 48_000)):
        waveforms = 0.1 * torch.randn(batch, 1, samples, generator=torch.Generator().manual_seed(batch))
        with torch.inference_mode():
            expected = network(waveforms).numpy()
        got = session.run(None, {"waveforms": waveforms.numpy()})[0]
        if got.shape != expected.shape or not np.abs(got - expected).max() < 1e-3:
            target.unlink()
            raise ModelError(f"the ONNX export of segmentation-3.0 disagrees with PyTorch on a batch of {batch} "
                             f"x {samples} samples")


def load_segmentation(directory: Path):
    """The segmentation ``Model`` for pyannote's pipeline, with its network run in ONNX Runtime on the CPU.

    Raises:
        ModelError: the checkpoint cannot be loaded, or the ONNX export is missing.
    """
    model = _load_network(directory)
    model.onnx_session = cpu_session(directory / ONNX)
    torch_forward = model.forward

    def forward(waveforms: torch.Tensor) -> torch.Tensor:
        if model.onnx_session is None or waveforms.device.type != "cpu":
            return torch_forward(waveforms)
        waveforms = waveforms.numpy().astype(np.float32, copy=False)
        return torch.from_numpy(np.concatenate([
            model.onnx_session.run(None, {"waveforms": waveforms[i:i + _ONNX_BATCH]})[0]
            for i in range(0, len(waveforms), _ONNX_BATCH)]))

    model.forward = forward  # an instance attribute: nn.Module.__call__ finds it before the class's
    return model
