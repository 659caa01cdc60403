"""Small helpers every part of the note uses: phrase tables, sentences, citations, shortening."""

from __future__ import annotations

import re

from ..records import Segment, Transcript, format_timestamp

_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+")


def phrases(*parts: str) -> re.Pattern:
    """Any of ``parts`` (regular expressions) as whole words, any case: how every phrase table is written."""
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.I)


_ASKS = re.compile(r"^\W*(?:(?:and|so|right|okay|ok|erm|um|just)\W+)?(?:how|what|why|when|where|who|which|are you|"
                   r"have you|did you|do you|is (?:it|there|that|he|she)|can you|could you|would you|will you|"
                   r"were you|has (?:he|she|anyone)|any (?:thoughts|problems|issues|concerns|weapons|drink|drugs|"
                   r"police|contact|worries)|anything (?:i|you|else))\b", re.I)


def asks(sentence: str) -> bool:
    """Whether ``sentence`` opens as a question does ("how", "did you", "any concerns"...)."""
    return bool(_ASKS.match(sentence))


def is_question(sentence: str) -> bool:
    """A question: a "?", or a question's opening words where the recogniser left out the punctuation."""
    return sentence.rstrip().endswith("?") or asks(sentence)


def sentences(text: str) -> list[str]:
    """``text`` split after each ``.``, ``?`` or ``!``."""
    return [s.strip() for s in _SENTENCE_BREAK.split(text) if s.strip()]


def shorten(text: str, limit: int = 160) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def whole_sentences(text: str, pattern: re.Pattern | None = None, limit: int = 30) -> str:
    """The sentence of ``text`` that ``pattern`` matches (else its first), with the sentences after it while
    they fit in ``limit`` words: never a sentence cut off. A single sentence over half as long again as the
    limit ends at its last clause break (a comma or semicolon) within the limit."""
    said = sentences(text)
    if not said:
        return ""
    first = next((k for k, s in enumerate(said) if pattern and pattern.search(s)), 0)
    chosen = [said[first]]
    for s in said[first + 1:]:
        if len(" ".join([*chosen, s]).split()) > limit:
            break
        chosen.append(s)
    point = " ".join(chosen)
    words = point.split()
    if len(words) > limit * 1.5:
        head = " ".join(words[:limit])
        cut = max(head.rfind(","), head.rfind(";"))
        point = (head[:cut] if cut > len(head) // 3 else head).rstrip(" ,;") + "."
    return point


def cite(segments: list[Segment], indices: list[int]) -> tuple[list[str], list[int]]:
    """The ``[hh:mm:ss]`` timestamps and sorted indices of the utterances a point comes from."""
    indices = sorted(set(indices))
    return [format_timestamp(segments[i].start) for i in indices], indices


def role_of(transcript: Transcript) -> dict[str, str]:
    """Speaker id -> role (``""`` where unknown)."""
    return {s.id: s.role or "" for s in transcript.speakers}
