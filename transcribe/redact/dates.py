"""Dates of birth: dates said with a birth context, or full dates whose year makes them a birth date.

Appointment and court dates are not redacted: they rarely carry a year, and when they do it is recent.
"""

from __future__ import annotations

import re
from datetime import date

from ..vocabulary import MONTH_OR_ABBREVIATION_PATTERN, ORDINAL_WORDS_PATTERN
from .spans import Span
from .spoken import INTERJECTION_UTTERANCE

_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORDINAL_WORDS_PATTERN})"
_SPOKEN_YEAR = (r"(?:(?:nineteen|twenty)[\s-](?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|oh[\s-](?:one|two|three|four|five|"
                r"six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
                r"nineteen)|two\s+thousand(?:\s+and)?(?:\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                r"eleven|twelve))?)")
_SPOKEN_TWO_DIGITS = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|"
                      r"five|six|seven|eight|nine))?|oh[\s-](?:one|two|three|four|five|six|seven|eight|nine))")
_YEAR = rf"(?:(?:19|20)\d\d|'?\d\d|{_SPOKEN_YEAR}|{_SPOKEN_TWO_DIGITS})"
_SEP = r"[\s,]+"
_DATE = re.compile(
    rf"\b(?:(?:the\s+)?{_DAY}(?:\s+o[fn])?{_SEP}{MONTH_OR_ABBREVIATION_PATTERN}\.?(?:{_SEP}{_YEAR})?"
    rf"|{MONTH_OR_ABBREVIATION_PATTERN}\.?{_SEP}(?:the\s+)?{_DAY}(?:{_SEP}{_YEAR})?"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d\d)\b",
    re.I,
)
# All in numbers, as said when reading a form: "the 30th of the 9th 99", "Eighteen, eight, ninety-two",
# "Fourth of the first, ninety-six". Only after a birth word (it could be anything else).
_CARDINAL = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
             r"sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|"
             r"thirty(?:[\s-]one)?)")
_NUMERIC_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORDINAL_WORDS_PATTERN}|{_CARDINAL})"
_TEEN_YEAR = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"  # 2010-2019
_NUMERIC_DATE = re.compile(rf"\b(?:the\s+)?{_NUMERIC_DAY}(?:[\s,]+of\s+the)?{_SEP}{_NUMERIC_DAY}{_SEP}"
                           rf"(?:{_YEAR}|{_TEEN_YEAR})\b", re.I)
# Day and month both ordinals ("Eighth of the eighth, ninety-four"): a date, read as one of birth by its year.
_ORDINAL = rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL_WORDS_PATTERN})"
_ORDINALS_ONLY = re.compile(rf"(?:the\s+)?{_ORDINAL}(?:[\s,]+of\s+the)?{_SEP}{_ORDINAL}{_SEP}", re.I)
_CODE_GOES_ON = re.compile(r"\s*(?:stroke|slash|/|\d|[A-Z]\b)", re.I)
_BIRTH_CONTEXT = re.compile(r"\b(?:d\.?o\.?b|dates?\s+o[fn]\s+birth|born|birthdays?|birth\s+dates?|b'day)\b", re.I)
# Several dates asked for at once ("the children's dates of birth"): the word introduces all of them.
_PLURAL_BIRTH = re.compile(r"\b(?:dates\s+o[fn]\s+birth|birthdays|birth\s+dates|d\.?o\.?b'?s)\b", re.I)
_CONTEXT_WINDOW = 120
_YEAR_DIGITS = re.compile(r"\b(?:19|20)\d\d\b")
_SPOKEN_CENTURY = re.compile(r"\bnineteen[\s-]", re.I)
# A year said in two words at the end, thirty to ninety-nine: the previous century ("..., ninety-four").
_SPOKEN_LAST_CENTURY = re.compile(r"\b(?:thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|"
                                  r"four|five|six|seven|eight|nine))?\W*$", re.I)


def _birth_year_like(text: str, today: date) -> bool:
    """True when the date names a year at least 14 years ago (no appointment is booked then)."""
    m = _YEAR_DIGITS.search(text)
    if m:
        return int(m.group()) <= today.year - 14
    numeric = re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-](\d\d)", text)
    if numeric:
        return int(numeric.group(1)) > today.year % 100  # two-digit year in the previous century
    return bool(_SPOKEN_CENTURY.search(text) or _SPOKEN_LAST_CENTURY.search(text))


_GOES_ON = re.compile(r"(?<![.?!])\n")  # an utterance that stops without a full stop ("Nineteenth,")


def bridged(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each utterance that stops mid-sentence joined to the next one, any interjection-only
    utterances between them ("Yeah.", "Go on") blanked; the same length, so offsets hold. Returns the text
    and the blanked stretches."""
    chars, blanked = list(text), []
    for m in _GOES_ON.finditer(text):
        end = m.end()
        while (fill := INTERJECTION_UTTERANCE.match(text, end - 1)) is not None and fill.end() > end - 1:
            end = fill.end() + 1
        lo = m.start()
        blanked.append((lo, end))
        chars[lo:end] = " " * (end - lo)
    return "".join(chars), blanked


def _cut(span: Span, blanked: list[tuple[int, int]]) -> list[Span]:
    """The span without the blanked stretches inside it (one piece per utterance it spoke in)."""
    pieces, lo = [], span.start
    for a, b in blanked:
        if span.start < b and a < span.end:
            if a > lo:
                pieces.append(Span(lo, a, span.label, span.detector))
            lo = max(lo, b)
    if span.end > lo:
        pieces.append(Span(lo, span.end, span.label, span.detector))
    return [p for p in pieces if p.end > p.start]


def find_dates_of_birth(text: str, today: date | None = None) -> list[Span]:
    """Dates of birth in ``text``: after a birth word (within ~120 characters), or with an old year; a date
    said in pieces ("Nineteenth," "Yeah." "of the eleventh, two thousand.") as one."""
    joined, blanked = bridged(text)
    return [piece for span in _find_dates_of_birth(joined, today) for piece in _cut(span, blanked)]


def _find_dates_of_birth(text: str, today: date | None) -> list[Span]:
    today = today or date.today()
    spans: list[Span] = []
    previous_end = 0  # end of the last date of any kind
    list_end = -1  # end of the last date of birth in a list that a plural birth word announced
    candidates = sorted([(m, False) for m in _DATE.finditer(text)] + [(m, True) for m in _NUMERIC_DATE.finditer(text)],
                        key=lambda c: (c[0].start(), -c[0].end()))
    for m, numeric in candidates:
        if any(s.start < m.end() and m.start() < s.end for s in spans):
            continue
        value = m.group()
        has_year = numeric or bool(re.search(rf"{_YEAR}\s*$", value, re.I)) or "/" in value or "." in value
        # A birth word introduces the next date only: not one after another date has been given. A plural one
        # ("the kids' dates of birth") introduces a list: each date with a year soon after the last one.
        window = m.start() - _CONTEXT_WINDOW
        plural = _PLURAL_BIRTH.search(text, max(0, window), m.start())
        context = _BIRTH_CONTEXT.search(text, max(0, window if plural else max(previous_end, window)), m.start())
        in_list = has_year and list_end >= 0 and m.start() - list_end < _CONTEXT_WINDOW
        previous_end = m.end()
        if numeric:  # all in numbers: could be anything else, and never if a code goes on after it ("stroke")
            birth = bool(context or in_list or (_ORDINALS_ONLY.match(value) and _birth_year_like(value, today)))
            birth = birth and not _CODE_GOES_ON.match(text, m.end())
        else:
            birth = bool((context and has_year) or (context and m.start() - context.end() < 40) or in_list
                         or (has_year and _birth_year_like(value, today)))
        if birth:
            spans.append(Span(m.start(), m.end(), "DATE_OF_BIRTH", "date+context" if context or in_list else "date+year"))
            if plural or in_list:
                list_end = m.end()
    return spans
