"""Speaker diarisation: who spoke when, and what each voice sounds like.

    diariser.py     pyannote.audio's SpeakerDiarization, offline, with segmentation-3.0 and CAM++
    segmentation.py pyannote/segmentation-3.0, its network run in ONNX Runtime on the CPU
    campplus.py     the CAM++ speaker embedding wrapped as a pyannote model
    onnx_cpu.py     the ONNX Runtime session both networks run in on the CPU
    voiceprint.py   opt-in officer voice profiles matched against the speakers' voices (no model library)

Importing this package loads no model library; :class:`Diariser` (torch, pyannote) is imported on first use.
"""


def __getattr__(name):
    if name in ("Diariser", "Diarisation"):
        from . import diariser

        return getattr(diariser, name)
    raise AttributeError(f"module 'transcribe.diarise' has no attribute {name!r}")


__all__ = ["Diarisation", "Diariser"]
