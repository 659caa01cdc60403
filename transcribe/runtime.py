"""Process-wide preparation for the model libraries; imported by every module that loads a model.

1. Offline switches. huggingface_hub and pyannote read these at import time, so they are set before the
   first import of either, overriding anything inherited from the environment.
2. One warning silenced: pyannote warns at import that torchcodec cannot load FFmpeg's shared libraries.
   We never let pyannote decode files (waveforms are passed in memory), so it is noise on every run.
3. Import order. torch loads its OpenMP runtime (libgomp) into the global symbol scope; when CTranslate2 is
   imported after it, CTranslate2's OpenMP calls bind to torch's runtime and, once Whisper has run, torch
   ops fall back to one thread (measured: diarisation 2.5 s -> 6.2 s on a 30 s clip, CPU time = wall
   time). Importing CTranslate2 first keeps the two runtimes apart.
"""

from __future__ import annotations

import os
import warnings

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: never call the hub, local files only
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PYANNOTE_METRICS_ENABLED": "0",  # pyannote 4 sends usage telemetry to its vendor by default
    "DO_NOT_TRACK": "1",
}


def enforce_offline() -> None:
    """Force the offline switches (overriding any value inherited from the environment)."""
    os.environ.update(OFFLINE_ENVIRONMENT)


enforce_offline()
warnings.filterwarnings("ignore", message=r"(?s)\s*torchcodec is not installed correctly")

import ctranslate2  # noqa: E402,F401  (before torch: see point 3 above)
