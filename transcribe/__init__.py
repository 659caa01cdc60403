"""probation-transcribe: offline pipeline from supervision recordings to diarised, redacted Word transcripts.

``import transcribe`` is cheap: no torch, CTranslate2 or pyannote is imported until a model is loaded.
"""

from .errors import (
    AsrError,
    ChecksumError,
    DiarisationError,
    InputError,
    ModelError,
    RenderError,
    TranscribeError,
)
from .options import AlignOptions, AsrOptions, DiariseOptions, PipelineOptions, RedactionOptions
from .records import AsrSegment, Audio, Redaction, Segment, Source, Speaker, SpeakerTurn, Transcript, Word

__version__ = "0.1.0"

__all__ = [
    "AlignOptions", "AsrError", "AsrOptions", "AsrSegment", "Audio", "ChecksumError", "DiarisationError",
    "DiariseOptions", "InputError", "ModelError", "Pipeline", "PipelineOptions", "Redaction", "RedactionOptions",
    "RenderError",
    "Segment", "Source", "Speaker", "SpeakerTurn", "Transcript", "TranscribeError", "Word", "decode_audio",
]


def __getattr__(name):
    # Lazy: these pull in ffmpeg-python, and Pipeline later loads the model libraries.
    if name == "Pipeline":
        from .pipeline import Pipeline
        return Pipeline
    if name == "decode_audio":
        from .audio import decode_audio
        return decode_audio
    raise AttributeError(f"module 'transcribe' has no attribute {name!r}")
