"""Small helpers every part of the note uses: phrase tables, sentences, citations, shortening."""

from __future__ import annotations

import re

from ..records import Segment, Transcript, format_timestamp

_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+")


def phrases(*parts: str) -> re.Pattern:
    """Any of ``parts`` (regular expressions) as whole words, any case: how every phrase table is written."""
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.I)


def sentences(text: str) -> list[str]:
    """``text`` split after each ``.``, ``?`` or ``!``."""
    return [s.strip() for s in _SENTENCE_BREAK.split(text) if s.strip()]


def shorten(text: str, limit: int = 160) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def cite(segments: list[Segment], indices: list[int]) -> tuple[list[str], list[int]]:
    """The ``[hh:mm:ss]`` timestamps and sorted indices of the utterances a point comes from."""
    indices = sorted(set(indices))
    return [format_timestamp(segments[i].start) for i in indices], indices


def role_of(transcript: Transcript) -> dict[str, str]:
    """Speaker id -> role (``""`` where unknown)."""
    return {s.id: s.role or "" for s in transcript.speakers}
