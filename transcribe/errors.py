"""Exceptions raised by the transcription library.

Every error the library raises on purpose derives from :class:`TranscribeError`, so shells (CLI, workers,
web) can catch one type, record ``str(error)`` on the job and carry on with the next file. Messages say
what went wrong and how to fix it, and never contain transcript text.

Tree::

    TranscribeError
    ├── InputError            the recording itself is unusable (missing, empty, not audio, unreadable)
    ├── ModelError            a model is missing, corrupted or cannot be loaded
    │   └── ChecksumError     a model file's sha256 does not match the recorded one
    ├── AsrError              speech recognition failed
    ├── DiarisationError      speaker diarisation failed
    └── RenderError           writing the output documents failed
"""

from __future__ import annotations


class TranscribeError(Exception):
    """Base class of every error raised on purpose by :mod:`transcribe`."""


class InputError(TranscribeError):
    """The input recording cannot be processed (missing, empty, not audio, corrupt)."""


class ModelError(TranscribeError):
    """A model is not installed, or cannot be loaded from its local directory."""


class ChecksumError(ModelError):
    """A model file does not match the sha256 recorded when it was installed."""


class AsrError(TranscribeError):
    """Speech recognition failed."""


class DiarisationError(TranscribeError):
    """Speaker diarisation failed."""


class RenderError(TranscribeError):
    """Writing the output documents failed."""
