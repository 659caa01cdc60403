"""Typed records exchanged between pipeline stages.

Times are float seconds from the start of the recording; any other unit is named in the field.
Records are plain dataclasses: :func:`dataclasses.asdict` turns them into the JSON contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Audio:
    """A decoded recording: mono float32 samples in [-1, 1] at ``sample_rate`` Hz."""

    samples: np.ndarray  # shape: (num_samples,)
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class Source:
    """Where a recording came from."""

    filename: str
    sha256: str
    duration_s: float
    recorded_at: str | None = None  # ISO 8601, from the file's own metadata or else its modification time
    recorded_at_from: str | None = None  # "metadata" or "file time"


@dataclass
class Word:
    """One recognised word with its timing and recogniser confidence."""

    start: float
    end: float
    word: str
    probability: float
    speaker: str | None = None


@dataclass
class AsrSegment:
    """A stretch of recognised speech as faster-whisper returns it, before speakers are known."""

    start: float
    end: float
    text: str
    words: list[Word]


@dataclass(frozen=True)
class SpeakerTurn:
    """One stretch of time attributed to one speaker by diarisation."""

    start: float
    end: float
    speaker: str


@dataclass
class Segment:
    """An utterance: consecutive words of one speaker, split on speaker change and long pauses.

    ``redacted_text`` is filled by the redaction stage; until then it equals ``text``.
    """

    start: float
    end: float
    speaker: str
    text: str
    words: list[Word]
    overlap: bool = False
    redacted_text: str = ""


@dataclass
class Speaker:
    """A speaker found in the recording, with their total talk time and (once known) role.

    ``role_source`` is ``auto`` when inferred from what was said, ``person`` when set by a relabel.
    """

    id: str
    talk_time_s: float
    role: str | None = None
    name: str | None = None
    role_confidence: float | None = None
    role_source: str | None = None


@dataclass
class Redaction:
    """A redacted span of one segment's ``text`` (character offsets), never the original value."""

    segment: int
    start: int
    end: int
    label: str
    placeholder: str


@dataclass
class Transcript:
    """Everything the pipeline knows about one recording; serialises to ``transcript.json`` (schema 1)."""

    source: Source
    language: str
    models: dict[str, str]
    speakers: list[Speaker]
    speaker_turns: list[SpeakerTurn]
    segments: list[Segment]
    redactions: list[Redaction] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    schema: int = 1

    @property
    def has_speech(self) -> bool:
        return bool(self.segments)
