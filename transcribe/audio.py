"""Decode any common recording format to 16 kHz mono float32 with ffmpeg, once per recording."""

from __future__ import annotations

import hashlib
import logging
import shutil
from functools import lru_cache
from pathlib import Path

import ffmpeg
import numpy as np

from .errors import InputError
from .records import Audio, Source

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000


@lru_cache(maxsize=1)
def ffmpeg_executable() -> str:
    """Return the ffmpeg to use: the system's when on PATH, else the binary shipped by ``imageio-ffmpeg``.

    Raises:
        RuntimeError: neither is available.
    """
    system = shutil.which("ffmpeg")
    if system:
        return system
    try:
        import imageio_ffmpeg
    except ImportError as e:
        raise RuntimeError("ffmpeg not found: install Debian's ffmpeg or the imageio-ffmpeg package") from e
    return imageio_ffmpeg.get_ffmpeg_exe()


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path.name}: file not found")
    if not path.is_file():
        raise InputError(f"{path.name}: not a regular file")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: file is empty (0 bytes)")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise InputError(f"{path.name}: cannot be read ({e.strerror})") from e


def _explain_ffmpeg_failure(name: str, stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    text = " ".join(lines).lower()
    if "does not contain any stream" in text or "matches no streams" in text:
        return f"{name}: contains no audio stream"
    if "invalid data found" in text or "could not find codec" in text or "unknown format" in text \
            or "failed to find two consecutive mpeg audio frames" in text or "moov atom not found" in text:
        return f"{name}: not a readable audio file (unknown format or corrupt data)"
    detail = lines[-1] if lines else "no error text"
    # ffmpeg prefixes errors with the input path; keep only the file name so no directories leak into logs.
    return f"{name}: audio could not be decoded ({detail.replace(str(name), '').strip(' :')})"


def decode_audio(path: str | Path, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Decode a recording to mono float32 samples at ``sample_rate``.

    Any format ffmpeg reads is accepted (wav, mp3, m4a/aac, amr, ogg/opus, webm, mp4, wma, flac...); the
    first audio stream of a video is used. The file extension is ignored: the content decides.

    Args:
        path: the recording.
        sample_rate: output rate in Hz.

    Returns:
        The decoded :class:`Audio`.

    Raises:
        InputError: missing, empty, unreadable, not audio, or no samples after decoding.
    """
    path = Path(path)
    _check_readable(path)
    stream = (
        ffmpeg.input(str(path))
        .output("pipe:", format="f32le", acodec="pcm_f32le", ac=1, ar=sample_rate, vn=None, sn=None, dn=None)
        .global_args("-nostdin", "-hide_banner", "-loglevel", "error")
    )
    try:
        out, _ = stream.run(cmd=ffmpeg_executable(), capture_stdout=True, capture_stderr=True)
    except ffmpeg.Error as e:
        raise InputError(_explain_ffmpeg_failure(path.name, e.stderr or b"")) from e
    samples = np.frombuffer(out, dtype=np.float32)
    if samples.size == 0:
        raise InputError(f"{path.name}: no audio samples after decoding (empty or truncated recording)")
    if not np.isfinite(samples).all():
        raise InputError(f"{path.name}: decoded audio contains invalid samples (corrupt data)")
    return Audio(samples=samples.copy(), sample_rate=sample_rate)


def describe_source(path: str | Path, audio: Audio) -> Source:
    """Fingerprint the original file (sha256) and record its name and decoded duration."""
    path = Path(path)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return Source(filename=path.name, sha256=digest.hexdigest(), duration_s=round(audio.duration_s, 3))
