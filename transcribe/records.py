"""Typed records exchanged between pipeline stages, and their JSON form.

Times are float seconds from the start of the recording; any other unit is named in the field.
Records are plain dataclasses: :func:`dataclasses.asdict` turns them into the JSON contract (``transcript.json``,
schema 1, and the recognition checkpoint), and :func:`from_dict` turns that back into records.

The recognition half of the pipeline ends in a :class:`Recognised` record (words with speakers and timings);
the publishing half adds redactions, roles and a :class:`Summary` to make a :class:`Transcript`.
"""

from __future__ import annotations

import types
import typing
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

# CRISSA sections of the note, in order, with their headings (DESIGN.md).
CRISSA_SECTIONS = {"check_in": "Check-in", "review": "Review", "intervention": "Intervention",
                   "summary": "Summary", "set_task": "Set task", "appointment": "Appointment"}


def format_timestamp(seconds: float) -> str:
    """``[hh:mm:ss]`` for a time in seconds: how every note point and document cites the recording."""
    total = int(seconds)
    return f"[{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}]"


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
class Point:
    """One statement of the note and the utterances it comes from (``segments`` index ``Transcript.segments``;
    ``timestamps`` are their ``[hh:mm:ss]``)."""

    text: str
    timestamps: list[str]
    segments: list[int]


@dataclass
class Action:
    """A task agreed in the session: who does it (``officer`` or ``person_on_probation``), what, and by when."""

    owner: str
    text: str
    deadline: str | None
    timestamps: list[str]
    segments: list[int]


@dataclass
class Appointment:
    """The next appointment as last stated in the session; any part may be unknown."""

    date: str | None
    time: str | None
    place: str | None
    timestamps: list[str]
    segments: list[int]
    calendar_date: str | None = None  # ISO date the spoken day resolves to, counted from the recording day
    date_check: str | None = None  # set when the weekday and the day of the month said disagree


@dataclass
class RiskFlag:
    """A risk or safeguarding statement for the supervisor, in one of the categories of
    :mod:`transcribe.summary.risk_cues`.

    ``found_by`` is ``phrase`` (a cue phrase), ``classifier`` (the learned classifier, with its
    ``probability``) or ``response`` (the officer answered with safeguarding: a safety plan, a crisis line, a
    referral). ``tier`` is ``disclosed`` or ``possible`` (weaker evidence: check the recording).
    """

    category: str
    text: str
    timestamps: list[str]
    segments: list[int]
    found_by: str = "phrase"
    probability: float | None = None
    tier: str = "disclosed"


@dataclass
class SpeakerShare:
    """A speaker's part of the talk, as the note reports it."""

    id: str
    role: str | None
    talk_time_s: float
    talk_share: float  # fraction of all talk time, 0..1


@dataclass
class SessionFacts:
    """What the note states about the session itself."""

    recorded_at: str | None
    recorded_at_from: str | None
    duration_s: float
    utterances: int
    speakers: list[SpeakerShare]


@dataclass
class Summary:
    """The CRISSA supervision note (``summary`` in ``transcript.json``).

    ``crissa`` maps each key of :data:`CRISSA_SECTIONS` to its points; ``themes`` maps a theme to the
    utterances that support it; ``method`` says how the sections were worded; ``notes`` are caveats shown
    to the reader (no speech found, the local language model was unavailable).
    """

    crissa: dict[str, list[Point]]
    themes: dict[str, list[Point]]
    actions: list[Action]
    appointment: Appointment | None
    risk_flags: list[RiskFlag]
    facts: SessionFacts
    method: str = "deterministic"
    notes: list[str] = field(default_factory=list)


@dataclass
class _Speech:
    """What both halves' records hold: the recording, its speakers, who spoke when, and the utterances."""

    source: Source
    language: str
    models: dict[str, str]
    speakers: list[Speaker]
    speaker_turns: list[SpeakerTurn]
    segments: list[Segment]


@dataclass
class Review:
    """What people did to the transcript after it was made (:mod:`transcribe.review`): how many corrections were
    applied, and who checked the note and when (``None`` until then: the documents say they are a draft)."""

    checked_by: str | None = None
    checked_at: str | None = None  # ISO 8601
    corrections: int = 0


@dataclass
class Recognised(_Speech):
    """What the recognition half found in one recording: the checkpoint between the two halves.

    Words carry their speaker and timings; utterances are built but not yet redacted (``redacted_text``
    equals ``text``), and speakers have talk times but no roles. ``voices`` holds each speaker's voice
    embedding (CAM++ centroid, 192 floats) for officer voice profiles. It holds unredacted speech: store it
    owner-only (:func:`transcribe.files.write_private`).
    """

    voices: dict[str, list[float]] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    schema: int = 1


@dataclass
class Transcript(_Speech):
    """Everything the pipeline knows about one recording; serialises to ``transcript.json`` (schema 1)."""

    redactions: list[Redaction] = field(default_factory=list)
    summary: Summary | None = None
    timings_s: dict[str, float] = field(default_factory=dict)
    schema: int = 1
    review: Review | None = None

    @property
    def has_speech(self) -> bool:
        return bool(self.segments)


# Key order of transcript.json (DESIGN.md).
TRANSCRIPT_KEYS = ("schema", "source", "language", "models", "speakers", "speaker_turns", "segments", "redactions",
                   "summary", "review", "timings_s")


def to_dict(record) -> dict:
    """The JSON form of a record; a :class:`Transcript` with its keys in contract order."""
    data = asdict(record)
    return {key: data[key] for key in TRANSCRIPT_KEYS} if isinstance(record, Transcript) else data


def from_dict(cls: type[T], data: dict) -> T:
    """Rebuild a record, and the records inside it, from its :func:`to_dict` form.

    Keys the record does not have are ignored and missing ones take their defaults, so older and newer
    files of the same schema both load.

    Raises:
        KeyError, TypeError: ``data`` lacks a required field or has the wrong shape.
    """
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _build(hints[f.name], data[f.name]) for f in fields(cls) if f.init and f.name in data})


def _build(hint, value: Any):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if value is None:
        return None
    if origin in (typing.Union, types.UnionType):  # X | None
        return _build(next(a for a in args if a is not type(None)), value)
    if origin is list:
        return [_build(args[0], v) for v in value]
    if origin is dict:
        return {k: _build(args[1], v) for k, v in value.items()}
    if is_dataclass(hint):
        return from_dict(hint, value)
    return value
