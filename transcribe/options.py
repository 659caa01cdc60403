"""Options objects for the pipeline stages (keyword arguments in, frozen dataclasses inside)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse


@dataclass(frozen=True)
class AsrOptions:
    """Speech recognition settings.

    Attributes:
        model: catalogue name (``whisper-base``, ``whisper-tiny.en``) or a local CTranslate2 directory.
        device: ``auto`` (CUDA when CTranslate2 sees a GPU, else CPU), ``cpu`` or ``cuda``.
        compute_type: ``auto`` picks float16 on CUDA and int8 on CPU.
        language: ISO code such as ``en``; ``auto`` detects it per file.
        beam_size: beam search width.
        batch_size: > 1 decodes VAD chunks in batches (faster-whisper ``BatchedInferencePipeline``);
            1 decodes sequentially.
        vad: skip non-speech with Silero VAD.
        vad_threshold: Silero speech probability above which audio is kept. Lower than Silero's 0.5
            because far-field and quiet speakers (the person across the desk) were dropped at 0.5.
        hotwords: glossary terms that bias decoding (names of local services, drug names...).
        cpu_threads: CTranslate2 intra-op threads on CPU; 0 lets it decide.
        british_spelling: write English transcripts with British spelling ("licence", "jobcentre", "mum").
    """

    model: str = "whisper-base"
    device: str = "auto"
    compute_type: str = "auto"
    language: str = "en"
    beam_size: int = 5
    # Batched decoding holds each chunk's attention scores (about 70 MB a chunk for whisper-base): 4 chunks a
    # batch decode as fast as 8 on two cores with 340 MB less memory (measured on a 10-minute recording).
    batch_size: int = 4
    vad: bool = True
    vad_threshold: float = 0.3
    hotwords: tuple[str, ...] = ()
    cpu_threads: int = 0
    british_spelling: bool = True


@dataclass(frozen=True)
class DiariseOptions:
    """Speaker diarisation settings.

    Attributes:
        num_speakers: exact number of speakers when known (overrides min/max).
        min_speakers: lower bound on the speaker count.
        max_speakers: upper bound on the speaker count.
        segmentation_step: hop between 10 s segmentation windows, as a fraction of the window.
        clustering_threshold: cosine distance under which agglomerative clustering merges clusters.
        device: ``auto``, ``cpu`` or ``cuda``.
    """

    num_speakers: int | None = None
    min_speakers: int = 1
    max_speakers: int = 4
    segmentation_step: float = 0.3
    clustering_threshold: float = 0.7
    device: str = "auto"

    def __post_init__(self):
        _check_speaker_counts(self.num_speakers, self.min_speakers, self.max_speakers)
        if not 0.0 < self.segmentation_step <= 1.0:
            raise ValueError("segmentation_step is a fraction of the 10 s window: 0 < step <= 1")


@dataclass(frozen=True)
class SpeakerHints:
    """What is known about the speakers of one recording (the officer's hint at upload); ``None`` keeps the
    :class:`DiariseOptions` value.

    Attributes:
        num_speakers: exact number of speakers (overrides min/max).
        min_speakers: lower bound on the speaker count.
        max_speakers: upper bound on the speaker count.
    """

    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None

    def __post_init__(self):
        lo = self.min_speakers if self.min_speakers is not None else 1
        _check_speaker_counts(self.num_speakers, lo, self.max_speakers if self.max_speakers is not None else lo)

    def applied_to(self, options: DiariseOptions) -> tuple[int | None, int, int]:
        """(num_speakers, min_speakers, max_speakers) for one recording: these hints over ``options``."""
        return (self.num_speakers if self.num_speakers is not None else options.num_speakers,
                self.min_speakers if self.min_speakers is not None else options.min_speakers,
                self.max_speakers if self.max_speakers is not None else options.max_speakers)


def _check_speaker_counts(num: int | None, lo: int, hi: int) -> None:
    if num is not None and num < 1:
        raise ValueError("num_speakers must be at least 1")
    if not 1 <= lo <= hi:
        raise ValueError("speaker bounds must satisfy 1 <= min_speakers <= max_speakers")


@dataclass(frozen=True)
class AlignOptions:
    """How words become utterances.

    Attributes:
        max_pause_s: a silence longer than this between two words of the same speaker starts a new utterance.
        max_utterance_s: utterances longer than this are split at the next sentence end.
    """

    max_pause_s: float = 1.5
    max_utterance_s: float = 30.0


REDACTION_LABELS = ("PERSON", "LOCATION", "ADDRESS", "POSTCODE", "PHONE", "EMAIL", "DATE_OF_BIRTH", "NINO",
                    "NHS_NUMBER", "PNC_ID", "CRO_NUMBER", "PRISON_NUMBER", "CRN", "BANK_ACCOUNT", "VEHICLE_REG",
                    "NUMBER", "ID")  # the last two: residual identifiers, by shape (redact/residual.py)


@dataclass(frozen=True)
class RedactionOptions:
    """What to redact.

    Attributes:
        labels: catalogue labels to redact (default: all of :data:`REDACTION_LABELS`).
        keep_names: names never redacted, e.g. the officer's own ("Joanne", "Joanne Walsh"), or a place or an
            address wrongly redacted.
        deny_list: terms always redacted wherever they occur (a victim's name supplied with the upload).
    """

    labels: frozenset[str] = frozenset(REDACTION_LABELS)
    keep_names: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()

    def __post_init__(self):
        unknown = set(self.labels) - set(REDACTION_LABELS)
        if unknown:
            raise ValueError(f"unknown redaction label(s) {sorted(unknown)}; choose from {list(REDACTION_LABELS)}")


def require_loopback(url: str) -> str:
    """Return ``url`` if its host is a loopback address; raise ``ValueError`` otherwise."""
    host = urlparse(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the LLM endpoint must be on this host (127.0.0.1, ::1 or localhost), not {host!r}: "
                         "transcripts may not leave the server")
    return url


@dataclass(frozen=True)
class LlmOptions:
    """An optional local OpenAI-compatible model server, e.g. ``http://127.0.0.1:8000/v1``.

    Only loopback addresses are accepted. The deterministic summariser is used when this is unset, and
    whenever the server is absent, slow (``timeout_s``) or answers nonsense.
    """

    base_url: str
    model: str = "local"
    timeout_s: float = 60.0

    def __post_init__(self):
        require_loopback(self.base_url)


@dataclass(frozen=True)
class PipelineOptions:
    """Everything one pipeline run needs besides the input files."""

    asr: AsrOptions = field(default_factory=AsrOptions)
    diarise: DiariseOptions = field(default_factory=DiariseOptions)
    align: AlignOptions = field(default_factory=AlignOptions)
    redaction: RedactionOptions = field(default_factory=RedactionOptions)
    llm: LlmOptions | None = None
    # Opt-in: a folder of enrolled officer voice profiles (transcribe.diarise.voiceprint); None disables matching.
    voice_profiles: Path | None = None
    # Recognition and diarisation run side by side on recordings up to this length (faster on 2 cores), but their
    # working sets add up and how they overlap varies. Above it they run one after the other, in one thread, so
    # that the memory one frees is reused by the next. Two hours of audio on a 2-core machine, one run each on the
    # same machine: side by side 9.9x real time, peak RSS 2,937 MB (2,786-3,653 MB over five runs on another);
    # one after the other 8.3x, 2,429 MB.
    side_by_side_max_s: float = 90 * 60
