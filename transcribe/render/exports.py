"""Plain-text and subtitle exports of the redacted transcript (``transcript.txt``, ``.srt``, ``.vtt``).

Pure functions returning strings; every export uses ``redacted_text`` only.
"""

from __future__ import annotations

from ..records import Transcript, format_timestamp
from .common import NO_SPEECH, speaker_display_name


def _clock(seconds: float, decimal: str) -> str:
    millis = int(round(seconds * 1000))
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{ms:03d}"


def to_txt(transcript: Transcript) -> str:
    """One line per utterance: ``[hh:mm:ss] Speaker: text``."""
    if not transcript.segments:
        return NO_SPEECH + "\n"
    return "".join(f"{format_timestamp(s.start)} {speaker_display_name(transcript, s.speaker)}: {s.redacted_text}\n"
                   for s in transcript.segments)


def to_srt(transcript: Transcript) -> str:
    """SubRip subtitles, one cue per utterance, speaker-prefixed."""
    cues = []
    for i, s in enumerate(transcript.segments, 1):
        cues.append(f"{i}\n{_clock(s.start, ',')} --> {_clock(max(s.end, s.start + 0.001), ',')}\n"
                    f"{speaker_display_name(transcript, s.speaker)}: {s.redacted_text}\n")
    return "\n".join(cues)


def to_vtt(transcript: Transcript) -> str:
    """WebVTT subtitles with voice tags (``<v Speaker>``)."""
    cues = ["WEBVTT\n"]
    for s in transcript.segments:
        speaker = speaker_display_name(transcript, s.speaker).replace(">", "")
        cues.append(f"{_clock(s.start, '.')} --> {_clock(max(s.end, s.start + 0.001), '.')}\n"
                    f"<v {speaker}>{s.redacted_text}\n")
    return "\n".join(cues)


EXPORTS = {"transcript.txt": to_txt, "transcript.srt": to_srt, "transcript.vtt": to_vtt}

