"""The service's settings: environment variables prefixed ``PT_``, optionally a TOML file named by ``PT_CONFIG``.

The one place the service reads its configuration. The library's own settings (``TRANSCRIBE_*``: model cache,
decoding, redaction lists) still apply to the pipeline inside each worker; ``PT_MODEL`` chooses the recogniser.

Folders under ``PT_DATA_DIR``::

    inbox/<officer>/             recordings dropped by an officer (inbox/<officer>/overnight/: for the night)
    store/<job-id>/              the recording once taken, owner-only, until retention deletes it
    work/<job-id>/               the recognition checkpoint and the full transcript.json (unredacted)
    outbox/<officer>/<date>_<job-id>/   the shared documents
    outbox/_reports/             morning reports of the overnight batch
    quarantine/<officer>/        bad files, each with NAME.error.txt saying what was wrong
    redis/                       the embedded Redis server's append-only file, when no PT_REDIS_URL is set
    registry.db                  the SQLite job registry, when no PT_DATABASE_URL is set
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from transcribe.options import PipelineOptions
from transcribe.settings import Settings as LibrarySettings

_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "probation-transcribe" / "service"


class ServiceSettings(BaseSettings):
    """Settings with their defaults; each can be set as ``PT_<NAME>`` (e.g. ``PT_DATA_DIR``) or in the TOML file
    named by ``PT_CONFIG`` (keys as below, lower case). The environment wins over the file."""

    model_config = SettingsConfigDict(env_prefix="PT_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="root of inbox/, outbox/, store/...")
    redis_url: str = Field(default="", description="Redis broker; empty: an embedded server under data_dir/redis")
    embedded_redis_port: int = Field(default=6390, gt=0, lt=65536, description="the embedded server's port "
                                                                                "(127.0.0.1 only)")
    database_url: str = Field(default="", description="SQLAlchemy URL of the registry; empty: SQLite in data_dir")
    model: str = Field(default="whisper-base", description="speech recognition model for the workers")
    overnight_window: str = Field(default="19:00-07:00", description="HH:MM-HH:MM, local time, may cross midnight")
    timezone: str = Field(default="Europe/London", description="time zone of the overnight window and reports")
    retain_audio_days: float = Field(default=0, ge=0, description="keep a finished job's recording this long")
    retain_output_days: float = Field(default=30, ge=0, description="keep a finished job's outputs this long")
    concurrency: int = Field(default=1, ge=1, description="worker processes per `transcribe worker`")
    stable_s: float = Field(default=3.0, gt=0, description="a dropped file is taken once unchanged this long")
    rescan_s: float = Field(default=30.0, gt=0, description="drop-folder rescan, behind the file-system events")
    reconcile_s: float = Field(default=60.0, gt=0, description="how often the registry re-checks running jobs")
    lease_s: float = Field(default=120.0, gt=0, description="a running job whose worker is silent this long is "
                                                             "taken again")
    max_attempts: int = Field(default=3, ge=1, description="tries of a job before it fails for good")
    retry_backoff_s: float = Field(default=30.0, ge=0, description="wait before the first retry of a transient "
                                                                    "failure; doubles each time")
    max_file_mb: float = Field(default=2048, gt=0, description="larger recordings are refused")
    visibility_timeout_s: int = Field(default=6 * 3600, gt=0, description="Redis redelivers an unacknowledged "
                                                                          "message after this; above the longest job")

    # -- the web app -----------------------------------------------------------------------------------------
    web_host: str = Field(default="127.0.0.1", description="address `transcribe serve` and `up` listen on")
    web_port: int = Field(default=8000, ge=0, le=65535, description="their port; 0: `up` runs no web app")
    web_idle_minutes: float = Field(default=30, gt=0, description="a web session idle this long ends")
    login_window_minutes: float = Field(default=15, gt=0, description="sign-in failures are counted over this")
    login_failures_per_account: int = Field(default=5, ge=1, description="failures before an account is paused")
    login_failures_per_address: int = Field(default=20, ge=1, description="failures before an address is paused")
    web_sso_header: str = Field(default="", description="header naming the account, set by a trusted proxy "
                                                        "(single sign-on); empty: off")
    web_trusted_proxies: str = Field(default="", description="comma-separated addresses of the trusted proxies")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, env_settings]
        config = os.environ.get("PT_CONFIG")
        if config:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config)))
        return tuple(sources)

    @field_validator("overnight_window")
    @classmethod
    def _check_window(cls, value: str) -> str:
        if not _WINDOW.match(value.strip()):
            raise ValueError("overnight_window must look like 19:00-07:00 (24-hour clock, start-end)")
        return value.strip()

    # -- derived ---------------------------------------------------------------------------------------------
    @property
    def window(self) -> tuple[time, time]:
        """(start, end) of the overnight window."""
        h1, m1, h2, m2 = (int(x) for x in _WINDOW.match(self.overnight_window).groups())
        return time(h1, m1), time(h2, m2)

    def folder(self, name: str) -> Path:
        """One of inbox, store, work, outbox, quarantine, redis, beat under the data folder."""
        return self.data_dir / name

    @property
    def registry_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'registry.db'}"

    def pipeline_options(self) -> PipelineOptions:
        """The library's options (``TRANSCRIBE_*``) with this service's recogniser."""
        return LibrarySettings().pipeline_options(asr_model=self.model)

    @property
    def trusted_proxies(self) -> set[str]:
        return {a.strip() for a in self.web_trusted_proxies.split(",") if a.strip()}

    @property
    def model_dir(self) -> Path:
        return LibrarySettings().model_dir
