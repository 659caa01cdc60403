"""ONNX Runtime sessions for the diarisation networks on the CPU, set to share the cores with recognition."""

from __future__ import annotations

from .. import runtime  # noqa: F401  (offline switches, and CTranslate2 before torch: see runtime.py)

# isort: split
from pathlib import Path

from ..errors import ModelError


def cpu_session(path: Path):
    """An ``onnxruntime.InferenceSession`` for the network exported at install to ``path``.

    Raises:
        ModelError: the export is missing.
    """
    import onnxruntime as ort
    import torch

    if not path.is_file():
        raise ModelError(f"{path.parent} has no {path.name}: run `transcribe models install`")
    options = ort.SessionOptions()
    # As many threads as torch uses, so that diarisation and recognition side by side share the cores
    # as before; one graph at a time.
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    # Idle threads sleep instead of spinning: recognition runs beside diarisation on the same cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_cpu_mem_arena = False  # inputs vary in length: no arena growing to the largest seen
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
