"""Decode any common recording format to 16 kHz mono float32 with ffmpeg, once per recording.

ffmpeg and PyAV are only ever given absolute file paths, and ffmpeg only the ``file`` and ``pipe`` protocols, so a
file called ``concat:...`` or ``http:...`` is read as the file it is, never as a protocol. Error messages do not
name the file (file names carry people's names): the caller says which recording failed, by name at a
terminal or by job id in the service.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import ffmpeg
import numpy as np

from .errors import InputError
from .files import sha256_file
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
        raise InputError("file not found")
    if not path.is_file():
        raise InputError("not a regular file")
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise InputError(f"cannot be read ({e.strerror})") from e


def _explain_ffmpeg_failure(path: Path, stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    text = " ".join(lines).lower()
    if "does not contain any stream" in text or "matches no streams" in text:
        return "contains no audio stream"
    if "invalid data found" in text or "could not find codec" in text or "unknown format" in text \
            or "failed to find two consecutive mpeg audio frames" in text or "moov atom not found" in text:
        return "not a readable audio file (unknown format or corrupt data)"
    detail = lines[-1] if lines else "no error text"
    # ffmpeg prefixes errors with the input path: drop it, so no folder or file name reaches a job record or log.
    return f"audio could not be decoded ({detail.replace(str(path), '').replace(path.name, '').strip(' :')})"


def _decoder(path: Path, sample_rate: int):
    """ffmpeg decoding ``path`` (absolute; file protocol only) to mono float32 at ``sample_rate`` on stdout."""
    return (ffmpeg.input(str(path), protocol_whitelist="file,pipe")
            .output("pipe:", format="f32le", acodec="pcm_f32le", ac=1, ar=sample_rate, vn=None, sn=None, dn=None)
            .global_args("-nostdin", "-hide_banner", "-loglevel", "error"))


def _check_samples(count: int, finite: bool) -> None:
    if count == 0:
        raise InputError("no audio samples after decoding (empty or truncated recording)")
    if not finite:
        raise InputError("decoded audio contains invalid samples (corrupt data)")


def decode_audio(path: str | Path, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Decode a recording to mono float32 samples at ``sample_rate``.

    Any format ffmpeg reads is accepted (wav, mp3, m4a/aac, amr, ogg/opus, webm, mp4, wma, flac...); the
    first audio stream of a video is used. The file extension is ignored: the content decides. ffmpeg's output
    is read straight into one array sized from the header, so a two-hour recording costs its samples and
    little more (never a second copy of them).

    Args:
        path: the recording.
        sample_rate: output rate in Hz.

    Returns:
        The decoded :class:`Audio`.

    Raises:
        InputError: missing, empty, unreadable, not audio, no samples after decoding, or a header that
            disagrees with the content (the message does not name the file).
    """
    path = Path(path).absolute()
    _check_readable(path)
    lengths = _header_lengths(path)
    samples, _ = _decode(path, sample_rate, keep=True, expected=_expected_samples(lengths, sample_rate))
    audio = Audio(samples=samples, sample_rate=sample_rate)
    _check_complete(lengths, audio.duration_s)
    return audio


def check_decodable(path: str | Path, sample_rate: int = SAMPLE_RATE) -> float:
    """Decode the whole recording without keeping it (constant memory) and run :func:`decode_audio`'s checks:
    for the web app's upload page, to refuse a bad file at once.

    Returns:
        The decoded duration in seconds.

    Raises:
        InputError: as :func:`decode_audio`.
    """
    path = Path(path).absolute()
    _check_readable(path)
    _, count = _decode(path, sample_rate, keep=False)
    _check_complete(_header_lengths(path), count / sample_rate)
    return count / sample_rate


_BLOCK_SAMPLES = 1 << 18  # read from ffmpeg 1 MB at a time


def _expected_samples(lengths: tuple[float, float | None] | None, sample_rate: int) -> int:
    """Samples the header promises (a little over), or ten minutes' worth when it promises nothing."""
    seconds = lengths[0] if lengths else 600.0
    return int(seconds * 1.01 * sample_rate) + sample_rate


def _decode(path: Path, sample_rate: int, keep: bool, expected: int = _BLOCK_SAMPLES) -> tuple[np.ndarray | None, int]:
    """Run ffmpeg and read its float32 output into one array of ``expected`` samples (``keep``), growing it only
    when the header understated the length, or block by block into one small buffer (not ``keep``). Every
    sample is checked to be finite as it arrives. Returns the samples (None when not kept) and their number.

    Raises:
        InputError: ffmpeg failed, decoded nothing, or produced invalid samples.
    """
    buffer = np.empty(expected if keep else _BLOCK_SAMPLES, dtype=np.float32)
    filled = checked = count = 0  # bytes in the buffer; samples checked in it; samples read in all
    finite = True
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a flood of warnings cannot block ffmpeg
        process = subprocess.Popen(_decoder(path, sample_rate).compile(cmd=ffmpeg_executable()),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        while True:
            if filled == buffer.nbytes:
                if keep:  # the header said less than the file holds: grow by half
                    buffer = np.concatenate([buffer, np.empty(buffer.size // 2 + _BLOCK_SAMPLES, dtype=np.float32)])
                else:
                    filled = checked = 0
            view = memoryview(buffer).cast("B")[filled:filled + 4 * _BLOCK_SAMPLES]
            got = process.stdout.readinto(view)
            if not got:
                break
            filled += got
            whole = filled // 4
            finite = finite and bool(np.isfinite(buffer[checked:whole]).all())
            count += whole - checked
            checked = whole
            if not keep and filled % 4:  # keep the part of a sample read so far at the front
                buffer.view(np.uint8)[:filled % 4] = buffer.view(np.uint8)[4 * whole:filled]
                filled, checked = filled % 4, 0
        failed = process.wait() != 0
        errors.seek(0)
        if failed:
            raise InputError(_explain_ffmpeg_failure(path, errors.read()))
    _check_samples(count, finite)
    if not keep:
        return None, count
    # Far more room than samples (a header that overstated the length): keep a right-sized copy instead.
    return (buffer[:count].copy() if buffer.size > 1.05 * count + 2 * sample_rate else buffer[:count]), count


# A recording whose header promises more (or less) audio than the file holds was cut short while being copied,
# or is damaged: refuse it rather than transcribe part of a session without saying so.
_LENGTH_TOLERANCE_S = 1.0


def _header_lengths(path: Path) -> tuple[float, float | None] | None:
    """(declared, held) seconds of a WAV file's data chunk, (declared, None) for a container that declares a
    duration (an MP3's Xing header, an MP4 index), or None: read once per decode."""
    wav = _wav_lengths(path)
    if wav:
        return wav
    declared = _container_duration(path)
    return (declared, None) if declared else None


def _check_complete(lengths: tuple[float, float | None] | None, decoded_s: float) -> None:
    """Compare the length the file's header declares (:func:`_header_lengths`) with the audio the file holds
    (the data chunk's size, else what was decoded).

    Raises:
        InputError: the two disagree by more than a second (and 5%).
    """
    if lengths is None:
        return
    declared, held = lengths[0], decoded_s if lengths[1] is None else lengths[1]
    if abs(declared - held) > max(_LENGTH_TOLERANCE_S, 0.05 * declared):
        why = "it was cut short (still being copied?) or is damaged" if declared > held else \
            "the header is damaged, and part of the recording would be lost"
        raise InputError(f"the file's header says {declared:.1f} s of audio but it holds {held:.1f} s: {why}")


def _container_duration(path: Path) -> float | None:
    """Seconds the container declares, if any."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            return container.duration / 1e6 if container.duration else None
    except (av.error.FFmpegError, OSError):
        return None


def _wav_lengths(path: Path) -> tuple[float, float] | None:
    """(declared, held) seconds of a RIFF WAVE file's data chunk; None for other files, and for a size of 0
    or 0xFFFFFFFF (streaming writers that never filled it in: read to the end)."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        size = path.stat().st_size
        byte_rate = 0
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                return None
            kind, length = chunk[:4], int.from_bytes(chunk[4:], "little")
            if kind == b"fmt " and length >= 12:
                byte_rate = int.from_bytes(f.read(12)[8:12], "little")
                f.seek(length - 12 + (length & 1), 1)
            elif kind == b"data":
                start = f.tell()
                if length in (0, 0xFFFFFFFF) or byte_rate == 0:
                    return None
                held = size - start
                if held > length:  # more after the data: fine if it is another chunk (LIST, id3...)
                    f.seek(start + length + (length & 1))
                    trailer = f.read(4)
                    if len(trailer) < 4 or trailer.isascii() and trailer.strip(b" ").isalnum():
                        held = length
                return length / byte_rate, held / byte_rate
            else:
                f.seek(length + (length & 1), 1)


def describe_source(path: str | Path, audio: Audio) -> Source:
    """Fingerprint the original file (sha256), record its name, decoded duration and when it was recorded."""
    path = Path(path)
    recorded_at, recorded_from = recording_time(path)
    return Source(filename=path.name, sha256=sha256_file(path), duration_s=round(audio.duration_s, 3),
                  recorded_at=recorded_at, recorded_at_from=recorded_from)


# Tags, as ffmpeg names them, that hold the recording time: creation_time (MP4/M4A, MOV, Vorbis comments) and
# date (ID3, RIFF INFO ICRD, Broadcast WAV origination date, whose origination time ffmpeg calls
# creation_time). Only these are read: titles and comments may name people.
_CLOCK = re.compile(r"\d{2}[-:]\d{2}[-:]\d{2}")


def _parse_time(value: str, clock: str | None = None) -> datetime | None:
    """'2026-03-12T10:15:00.000000Z', '2026:03:12 10:15:00', '2026-03-12' (+ a bext clock, '10-15-00')."""
    value = value.strip()
    value = value[:10].replace(":", "-") + value[10:]
    if clock and len(value) == 10:
        value += "T" + clock.strip().replace("-", ":")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _plausible(when: datetime) -> bool:
    now = datetime.now(when.tzinfo)
    return datetime(2000, 1, 1, tzinfo=when.tzinfo) <= when <= now


def recording_time(path: Path) -> tuple[str | None, str | None]:
    """When the recording was made: its metadata's creation time, else the file's modification time.

    Times before 2000 (recorders whose clock was never set, MP4's 1904 epoch) or in the future are ignored,
    as are bare years ("2026" in an ID3 tag). Times without a zone are the recorder's local time.

    Returns:
        An ISO 8601 time and where it came from ("metadata" or "file time"), or (None, None).
    """
    import av  # PyAV: a faster-whisper dependency, reads tags without decoding

    path = Path(path).absolute()  # a file name, never a protocol ("concat:...")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            tags = {k.lower(): v for k, v in container.metadata.items()}
            for stream in container.streams.audio[:1]:
                tags = {**{k.lower(): v for k, v in stream.metadata.items()}, **tags}
    except (av.error.FFmpegError, OSError, UnicodeDecodeError):
        tags = {}
    clock = tags.get("creation_time") if _CLOCK.fullmatch(tags.get("creation_time", "")) else None
    for key in ("creation_time", "date"):
        if tags.get(key):
            when = _parse_time(tags[key], clock if key == "date" else None)
            if when and _plausible(when):
                return when.isoformat(timespec="seconds"), "metadata"
    when = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    return (when.isoformat(timespec="seconds"), "file time") if _plausible(when) else (None, None)
