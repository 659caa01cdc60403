"""probation-transcribe: offline pipeline from supervision recordings to diarised, redacted Word transcripts
and a CRISSA supervision note.

The tree reads as the pipeline: the recognition half (``audio``, ``asr``, ``diarise``, ``align``) makes a
:class:`Recognised` record; the publishing half (``redact``, ``summary``, ``render``, ``publish``) turns it into a
:class:`Transcript` and the shared documents. ``pipeline`` runs the two, together or one at a time.

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
from .options import AlignOptions, AsrOptions, DiariseOptions, PipelineOptions, RedactionOptions, SpeakerHints
from .records import (
    Action,
    Appointment,
    AsrSegment,
    Audio,
    Point,
    Recognised,
    Redaction,
    RiskFlag,
    Segment,
    Source,
    Speaker,
    SpeakerTurn,
    Summary,
    Transcript,
    Word,
)

__version__ = "0.1.0"

__all__ = [
    "Action", "AlignOptions", "Appointment", "AsrError", "AsrOptions", "AsrSegment", "Audio", "ChecksumError",
    "DiarisationError", "DiariseOptions", "InputError", "ModelError", "Pipeline", "PipelineOptions", "Point",
    "Recognised", "Redaction", "RedactionOptions", "RenderError", "RiskFlag", "Segment", "Source", "Speaker",
    "SpeakerHints", "SpeakerTurn", "Summary", "Transcript", "TranscribeError", "Word", "decode_audio",
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
