"""Application settings: the one place environment variables are read (prefix ``TRANSCRIBE_``).

The library itself takes explicit arguments and options objects; shells (CLI, workers, web) build a
:class:`Settings` once and derive those from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .options import (
    REDACTION_LABELS,
    AlignOptions,
    AsrOptions,
    DiariseOptions,
    LlmOptions,
    PipelineOptions,
    RedactionOptions,
)


def _default_model_dir() -> Path:
    return Path.home() / ".local" / "share" / "probation-transcribe" / "models"


class Settings(BaseSettings):
    """Settings with their defaults; each can be set as ``TRANSCRIBE_<NAME>`` (e.g. ``TRANSCRIBE_MODEL_DIR``)."""

    model_config = SettingsConfigDict(env_prefix="TRANSCRIBE_", extra="ignore")

    model_dir: Path = Field(default_factory=_default_model_dir, description="local model cache")
    out_dir: Path = Field(default=Path("out"), description="where `transcribe run` writes results")
    asr_model: str = Field(default="whisper-base", description="catalogue name or local CTranslate2 directory")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = "auto"
    language: str = Field(default="en", description="ISO code, or 'auto' to detect")
    beam_size: int = Field(default=5, ge=1)
    asr_batch_size: int = Field(default=4, ge=1)
    vad: bool = True
    vad_threshold: float = Field(default=0.3, gt=0, lt=1)
    cpu_threads: int = Field(default=0, ge=0)
    british_spelling: bool = Field(default=True, description="British spelling in English transcripts")
    glossary: Path | None = Field(default=None, description="text file of hotwords, one term per line")
    min_speakers: int = Field(default=1, ge=1)
    max_speakers: int = Field(default=4, ge=1)
    segmentation_step: float = Field(default=0.3, gt=0, le=1)
    clustering_threshold: float = Field(default=0.7, gt=0, lt=2)
    max_pause_s: float = Field(default=1.5, gt=0)
    side_by_side_max_minutes: float = Field(
        default=90, ge=0, description="recognition and diarisation run side by side on recordings up to this "
        "length (faster) and one after the other on longer ones (less memory)")
    redact_labels: str = Field(default="all", description="comma-separated catalogue labels to redact, or 'all'")
    keep_names: str = Field(default="", description="comma-separated names never redacted (the officer's own)")
    deny_list: str = Field(default="", description="comma-separated terms always redacted")
    llm_url: str = Field(default="", description="optional local OpenAI-compatible server (loopback only)")
    llm_model: str = "local"
    llm_timeout_s: float = Field(default=60.0, gt=0)
    voice_profiles_dir: Path | None = Field(default=None, description="opt-in officer voice profiles folder")

    def pipeline_options(self, **overrides) -> PipelineOptions:
        """Options for :class:`transcribe.pipeline.Pipeline`; ``overrides`` replace settings by name."""
        s = self.model_copy(update={k: v for k, v in overrides.items() if v is not None})
        return PipelineOptions(
            asr=AsrOptions(model=s.asr_model, device=s.device, compute_type=s.compute_type, language=s.language,
                           beam_size=s.beam_size, batch_size=s.asr_batch_size, vad=s.vad, vad_threshold=s.vad_threshold,
                           hotwords=load_glossary(s.glossary) if s.glossary else (), cpu_threads=s.cpu_threads,
                           british_spelling=s.british_spelling),
            diarise=DiariseOptions(min_speakers=s.min_speakers, max_speakers=s.max_speakers,
                                   segmentation_step=s.segmentation_step,
                                   clustering_threshold=s.clustering_threshold, device=s.device),
            align=AlignOptions(max_pause_s=s.max_pause_s),
            redaction=RedactionOptions(
                labels=frozenset(REDACTION_LABELS) if s.redact_labels.strip().lower() == "all"
                else frozenset(_split(s.redact_labels.upper())),
                keep_names=_split(s.keep_names), deny_list=_split(s.deny_list)),
            llm=LlmOptions(s.llm_url, s.llm_model, s.llm_timeout_s) if s.llm_url else None,
            voice_profiles=s.voice_profiles_dir,
            side_by_side_max_s=s.side_by_side_max_minutes * 60,
        )


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def load_glossary(path: Path) -> tuple[str, ...]:
    """Read hotwords from a text file: one term per line, blank lines and ``#`` comments ignored.

    Raises:
        ValueError: the file does not exist or cannot be read.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ValueError(f"glossary file {path} cannot be read: {e.strerror}") from e
    return tuple(term for line in lines if (term := line.split("#", 1)[0].strip()))
