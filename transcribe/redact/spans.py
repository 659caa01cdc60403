"""Detected spans and the document they point into."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .spoken import INTERJECTION_UTTERANCE, CodeRun, code_runs

# Labels of the redaction catalogue (DESIGN.md); the placeholder word shown to readers for each.
PLACEHOLDER_WORDS = {
    "PERSON": "PERSON", "LOCATION": "PLACE", "ADDRESS": "ADDRESS", "POSTCODE": "POSTCODE", "PHONE": "PHONE",
    "EMAIL": "EMAIL", "DATE_OF_BIRTH": "DATE OF BIRTH", "NINO": "NI NUMBER", "NHS_NUMBER": "NHS NUMBER",
    "PNC_ID": "PNC ID", "CRO_NUMBER": "CRO NUMBER", "PRISON_NUMBER": "PRISON NUMBER", "CRN": "CRN",
    "BANK_ACCOUNT": "BANK DETAILS", "VEHICLE_REG": "VEHICLE REG", "NUMBER": "NUMBER", "ID": "ID",
    "CUSTOM": "REDACTED",
}
LABELS = tuple(PLACEHOLDER_WORDS)  # the catalogue (options.REDACTION_LABELS) plus CUSTOM for deny-list terms
# Structured identifiers: formats with check digits or fixed shapes. Zero leaks tolerated.
STRUCTURED = ("NINO", "NHS_NUMBER", "PNC_ID", "CRO_NUMBER", "PRISON_NUMBER", "CRN", "POSTCODE", "PHONE",
              "EMAIL", "BANK_ACCOUNT", "VEHICLE_REG", "NUMBER", "ID")
# When two detections overlap, the higher priority wins (structured formats beat guesses about names).
PRIORITY = {"CUSTOM": 100, "EMAIL": 90, "NINO": 85, "NHS_NUMBER": 85, "PNC_ID": 85, "CRO_NUMBER": 85,
            "PRISON_NUMBER": 80, "CRN": 80, "PHONE": 80, "BANK_ACCOUNT": 75, "POSTCODE": 75, "VEHICLE_REG": 70,
            "NUMBER": 65, "ID": 65, "DATE_OF_BIRTH": 60, "ADDRESS": 50, "LOCATION": 30, "PERSON": 30}


_BETWEEN_PIECES = " ,.;:…-"  # punctuation where one utterance's piece of an identifier ends or the next begins


@dataclass(frozen=True)
class Span:
    """A detected identifier: character offsets into :attr:`Document.text`."""

    start: int
    end: int
    label: str
    detector: str = ""


def overlaps(start: int, end: int, spans: Iterable[Span]) -> bool:
    """Whether the stretch ``[start, end)`` overlaps any of ``spans``."""
    return any(s.start < end and start < s.end for s in spans)


class Document:
    """Utterance texts joined by newlines, so identifiers split across utterances can be found.

    Offsets in spans refer to :attr:`text`; :meth:`locate` maps them back to (utterance, offset).
    """

    def __init__(self, texts: list[str]):
        self.texts = list(texts)
        self.starts: list[int] = []
        position = 0
        for t in self.texts:
            self.starts.append(position)
            position += len(t) + 1
        self.text = "\n".join(self.texts)

    @cached_property
    def runs(self) -> list[CodeRun]:
        """The text's code-like stretches (:func:`.spoken.code_runs`), read once for every detector."""
        return code_runs(self.text)

    @cached_property
    def bridged_runs(self) -> list[CodeRun]:
        """The code runs, each going on across utterances of interjections only (for the format rules)."""
        return code_runs(self.text, bridge=True)

    def locate(self, offset: int) -> tuple[int, int]:
        """(utterance index, offset inside that utterance) of a document offset."""
        index = bisect_right(self.starts, offset) - 1
        return index, offset - self.starts[index]

    def split(self, span: Span) -> list[tuple[int, int, int]]:
        """The parts of a span in each utterance it touches: (utterance, start, end). An interjection said
        between two pieces ("Yeah.") is no part of it."""
        parts = []
        first, _ = self.locate(span.start)
        last, _ = self.locate(max(span.start, span.end - 1))
        for i in range(first, last + 1):
            said = INTERJECTION_UTTERANCE.match(f"\n{self.texts[i]}\n") if first < i < last else None
            if said and said.end() == len(self.texts[i]) + 1:
                continue
            lo = max(span.start, self.starts[i]) - self.starts[i]
            hi = min(span.end, self.starts[i] + len(self.texts[i])) - self.starts[i]
            text = self.texts[i]
            while i < last and hi > lo and text[hi - 1] in _BETWEEN_PIECES:  # "double oh," ... "nine double oh"
                hi -= 1
            while i > first and hi > lo and text[lo] in _BETWEEN_PIECES:
                lo += 1
            if hi > lo:
                parts.append((i, lo, hi))
        return parts
