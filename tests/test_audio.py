"""Decoding real recordings in many formats, and clear errors for bad input."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from conftest import convert

from transcribe.audio import decode_audio, recording_time
from transcribe.errors import InputError

FORMATS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    "m4a": ["-c:a", "aac", "-b:a", "64k"],
    "ogg": ["-c:a", "libopus", "-b:a", "32k"],
    "webm": ["-c:a", "libopus", "-b:a", "32k"],
    "flac": ["-c:a", "flac"],
    "amr": ["-ar", "8000", "-ac", "1", "-c:a", "libopencore_amrnb", "-b:a", "12.2k"],
    "wma": ["-c:a", "wmav2", "-b:a", "64k"],
}


def _check_matches(audio, reference):
    assert audio.sample_rate == 16000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert abs(audio.duration_s - reference.duration_s) < 0.3
    assert 0.01 < float(np.sqrt(np.mean(audio.samples ** 2))) < 1.0  # real signal, not silence or clipping


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_decodes_common_recording_formats(tmp_path, ffmpeg_exe, jfk_wav, ext):
    dst = convert(ffmpeg_exe, jfk_wav, tmp_path / f"clip.{ext}", *FORMATS[ext])
    _check_matches(decode_audio(dst), decode_audio(jfk_wav))


def test_decodes_audio_track_of_a_video(tmp_path, ffmpeg_exe, jfk_wav):
    video = tmp_path / "clip.mp4"
    subprocess.run([ffmpeg_exe, "-nostdin", "-loglevel", "error", "-y", "-i", str(jfk_wav), "-f", "lavfi",
                    "-i", "color=c=black:s=64x64:r=5", "-map", "1:v", "-map", "0:a", "-t", "11",
                    "-c:v", "mpeg4", "-c:a", "aac", str(video)], check=True)
    _check_matches(decode_audio(video), decode_audio(jfk_wav))


def test_stereo_is_downmixed(tmp_path, ffmpeg_exe, jfk_wav):
    stereo = convert(ffmpeg_exe, jfk_wav, tmp_path / "stereo.wav", "-ac", "2", "-ar", "44100")
    audio = decode_audio(stereo)
    assert audio.sample_rate == 16000 and audio.samples.ndim == 1
    assert abs(audio.duration_s - decode_audio(jfk_wav).duration_s) < 0.05


def test_extension_is_ignored_content_decides(tmp_path, ffmpeg_exe, jfk_wav):
    mislabelled = convert(ffmpeg_exe, jfk_wav, tmp_path / "really_mp3.mp3", "-c:a", "libmp3lame")
    renamed = mislabelled.rename(tmp_path / "recording.wav")
    assert decode_audio(renamed).duration_s > 10


@pytest.mark.parametrize("name", ["odd name (1) — café's.wav", "-starts-with-dash.wav", "spaces  and\ttab.wav"])
def test_odd_filenames(tmp_path, jfk_wav, name):
    path = tmp_path / name
    path.write_bytes(jfk_wav.read_bytes())
    assert decode_audio(path).duration_s > 10


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        decode_audio(tmp_path / "nope.wav")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.m4a"
    path.touch()
    with pytest.raises(InputError, match="empty"):
        decode_audio(path)


def test_directory_is_rejected(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        decode_audio(tmp_path)


def test_text_file_is_not_audio(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("Officer's notes, not a recording.\n" * 50)
    with pytest.raises(InputError, match="not a readable audio file|could not be decoded"):
        decode_audio(path)


def test_truncated_recording_is_rejected(tmp_path, ffmpeg_exe, jfk_wav):
    whole = convert(ffmpeg_exe, jfk_wav, tmp_path / "whole.m4a", "-c:a", "aac")
    partial = tmp_path / "partial.m4a"
    partial.write_bytes(whole.read_bytes()[: 2000])  # a file still being copied: the index is missing
    with pytest.raises(InputError):
        decode_audio(partial)


def test_video_without_audio_is_rejected(tmp_path, ffmpeg_exe):
    path = tmp_path / "silent_video.mp4"
    subprocess.run([ffmpeg_exe, "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=black:s=64x64:r=5:d=1", "-c:v", "mpeg4", str(path)], check=True)
    with pytest.raises(InputError, match="no audio stream"):
        decode_audio(path)


@pytest.mark.parametrize("content", [None, b"", b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 10,
                                     b"Officer's notes about John Smith, not a recording.\n" * 50])
def test_error_messages_name_neither_the_file_nor_its_folder(tmp_path, content):
    """Issue 10: errors end up in job records and logs, and file and folder names carry people's names; the
    CLI names the file to the person at the terminal itself (test_cli)."""
    folder = tmp_path / "officer-jsmith"
    folder.mkdir()
    path = folder / "john-smith-supervision.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        decode_audio(path)
    message = str(info.value).lower()
    assert message and "jsmith" not in message and "john" not in message and "smith" not in message


@pytest.mark.parametrize("name", ["concat:clip.wav", "http:clip.wav", "file:clip.wav", "pipe:0"])
def test_a_file_name_that_looks_like_a_protocol_is_read_as_that_file(tmp_path, jfk_wav, monkeypatch, name):
    """Issue 10: ffmpeg reads "concat:a|b" or "http:..." as a protocol; a recording called that is still a file
    (given to ffmpeg as an absolute path, with only the file and pipe protocols allowed)."""
    (tmp_path / name).write_bytes(jfk_wav.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert decode_audio(name).duration_s > 10  # the relative name, as typed at a terminal
    assert recording_time(Path(name))[1] == "file time"


@pytest.mark.parametrize("ext,tags,expected", [
    ("m4a", ["-metadata", "creation_time=2026-03-12T10:15:00Z"], "2026-03-12T10:15:00+00:00"),
    ("ogg", ["-metadata", "creation_time=2026-03-12T10:15:00Z"], "2026-03-12T10:15:00+00:00"),
    ("wav", ["-metadata", "date=2026-03-12 09:30:00"], "2026-03-12T09:30:00"),  # RIFF INFO, recorder's clock
    ("wav", ["-write_bext", "1", "-metadata", "origination_date=2026-02-01", "-metadata",
             "origination_time=08-05-00"], "2026-02-01T08:05:00"),  # Broadcast WAV
])
def test_recording_time_is_read_from_metadata(tmp_path, ffmpeg_exe, jfk_wav, ext, tags, expected):
    dst = convert(ffmpeg_exe, jfk_wav, tmp_path / f"clip.{ext}", *tags)
    assert recording_time(dst) == (expected, "metadata")


@pytest.mark.parametrize("tags", [
    [],
    ["-metadata", "date=2025"],  # a bare year in an ID3 tag
    ["-metadata", "date=1904-01-01 00:00:00"],  # a recorder whose clock was never set
    ["-metadata", "date=2099-01-01 00:00:00"],  # in the future
])
def test_recording_time_falls_back_to_the_file_time(tmp_path, ffmpeg_exe, jfk_wav, tags):
    dst = convert(ffmpeg_exe, jfk_wav, tmp_path / "clip.mp3", *tags)
    mtime = datetime(2026, 5, 4, 13, 30).timestamp()
    os.utime(dst, (mtime, mtime))
    when, source = recording_time(dst)
    assert source == "file time" and datetime.fromisoformat(when) == datetime(2026, 5, 4, 13, 30).astimezone()
    os.utime(dst, (mtime + 1e9, mtime + 1e9))  # a clock in the future is not a recording time
    assert recording_time(dst) == (None, None)


@pytest.mark.parametrize("ext", ["wav", "mp3"])
def test_samples_are_ffmpegs_output_whatever_the_header_promised(tmp_path, ffmpeg_exe, jfk_wav, monkeypatch, ext):
    """Read straight into one array: the same samples as ffmpeg's whole output, also when the header
    understates the length and the array has to grow."""
    import transcribe.audio as audio_module

    src = jfk_wav if ext == "wav" else convert(ffmpeg_exe, jfk_wav, tmp_path / "clip.mp3", *FORMATS["mp3"])
    whole = subprocess.run([ffmpeg_exe, "-nostdin", "-loglevel", "error", "-i", str(src), "-f", "f32le", "-ac", "1",
                            "-ar", "16000", "pipe:"], capture_output=True, check=True).stdout
    reference = np.frombuffer(whole, dtype=np.float32)
    assert np.array_equal(decode_audio(src).samples, reference)
    monkeypatch.setattr(audio_module, "_expected_samples", lambda path, rate: 1000)
    assert np.array_equal(decode_audio(src).samples, reference)


def test_decoding_a_long_recording_costs_its_samples_not_twice_them(tmp_path, ffmpeg_exe):
    """Twenty minutes decoded in a fresh process: the peak grows by the samples' size and little more (reading
    ffmpeg's output whole and then converting it took twice that)."""
    long_wav = tmp_path / "long.wav"
    subprocess.run([ffmpeg_exe, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=d=1200:a=0.1:r=16000",
                    "-ac", "1", "-c:a", "pcm_s16le", str(long_wav)], check=True)
    probe = ("import resource, sys\n"
             "from transcribe.audio import decode_audio\n"
             "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
             "samples = decode_audio(sys.argv[1]).samples\n"
             "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
             "print(grown * 1024 / samples.nbytes)\n")
    ratio = float(subprocess.run([sys.executable, "-c", probe, str(long_wav)], capture_output=True, text=True,
                                 check=True).stdout)
    assert ratio < 1.3, ratio
