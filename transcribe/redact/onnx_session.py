"""ONNX Runtime sessions for the learned redaction models (the name model, the tagger) on the CPU."""

from __future__ import annotations

from pathlib import Path


def cpu_session(path: Path, threads: int):
    """A quiet ``onnxruntime.InferenceSession`` for ``path``: ``threads`` for one graph at a time (0: onnxruntime's
    choice), warnings off, and idle threads that sleep, not spin, after each run, leaving the CPU to the stages
    after redaction."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
