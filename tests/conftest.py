"""Shared fixtures: real recordings from samples/ and tests/data/, real models from the local cache."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from transcribe.models import read_manifest
from transcribe.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def model_root() -> Path:
    root = Settings().model_dir
    if not read_manifest(root):
        pytest.fail(f"no models in {root}: run `make setup` (it runs `transcribe models install`)")
    return root


@pytest.fixture(scope="session")
def two_speaker_wav() -> Path:
    """pyannote's sample.wav: a real 30 s two-speaker phone conversation (MIT, see samples/README.md)."""
    return SAMPLES / "pyannote_sample.wav"


@pytest.fixture(scope="session")
def jfk_wav() -> Path:
    """11 s of one real speaker (public domain), with its reference text in jfk.txt."""
    return DATA / "jfk.wav"


@pytest.fixture(scope="session")
def pipeline(model_root):
    """The product's default pipeline (Whisper base), models loaded once for the session."""
    from transcribe.pipeline import Pipeline

    p = Pipeline(model_root)
    p.load()
    return p


@pytest.fixture(scope="session")
def ffmpeg_exe() -> str:
    from transcribe.audio import ffmpeg_executable

    return ffmpeg_executable()


def convert(ffmpeg_exe: str, src: Path, dst: Path, *args: str) -> Path:
    """Re-encode a real recording with ffmpeg (used to build format fixtures inside a test)."""
    subprocess.run([ffmpeg_exe, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src), *args,
                    str(dst)], check=True)
    return dst
