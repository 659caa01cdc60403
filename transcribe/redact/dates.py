"""Dates of birth: dates said with a birth context, or full dates whose year makes them a birth date.

Appointment and court dates are not redacted: they rarely carry a year, and when they do it is recent.
"""

from __future__ import annotations

import re
from datetime import date

from ..vocabulary import MONTH_OR_ABBREVIATION_PATTERN, ORDINAL_WORDS_PATTERN
from .spans import Span

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
_NUMERIC_DATE = re.compile(rf"\b(?:the\s+)?{_NUMERIC_DAY}(?:\s+of\s+the)?{_SEP}{_NUMERIC_DAY}{_SEP}{_YEAR}\b", re.I)
_CODE_GOES_ON = re.compile(r"\s*(?:stroke|slash|/|\d|[A-Z]\b)", re.I)
_BIRTH_CONTEXT = re.compile(r"\b(?:d\.?o\.?b|dates?\s+o[fn]\s+birth|born|birthdays?|birth\s+dates?|b'day)\b", re.I)
# Several dates asked for at once ("the children's dates of birth"): the word introduces all of them.
_PLURAL_BIRTH = re.compile(r"\b(?:dates\s+o[fn]\s+birth|birthdays|birth\s+dates|d\.?o\.?b'?s)\b", re.I)
_CONTEXT_WINDOW = 120
_YEAR_DIGITS = re.compile(r"\b(?:19|20)\d\d\b")
_SPOKEN_CENTURY = re.compile(r"\bnineteen[\s-]", re.I)


def _birth_year_like(text: str, today: date) -> bool:
    """True when the date names a year at least 14 years ago (no appointment is booked then)."""
    m = _YEAR_DIGITS.search(text)
    if m:
        return int(m.group()) <= today.year - 14
    numeric = re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-](\d\d)", text)
    if numeric:
        return int(numeric.group(1)) > today.year % 100  # two-digit year in the previous century
    return bool(_SPOKEN_CENTURY.search(text))


def find_dates_of_birth(text: str, today: date | None = None) -> list[Span]:
    """Dates of birth in ``text``: after a birth word (within ~120 characters), or with an old year."""
    today = today or date.today()
    spans = []
    previous_end = 0
    for m in _DATE.finditer(text):
        value = m.group()
        has_year = bool(re.search(rf"{_YEAR}\s*$", value, re.I)) or "/" in value or "." in value
        # A birth word introduces the next date only: not one after another date has been given.
        window = m.start() - _CONTEXT_WINDOW
        since = window if _PLURAL_BIRTH.search(text, max(0, window), m.start()) else max(previous_end, window)
        context = _BIRTH_CONTEXT.search(text, max(0, since), m.start())
        previous_end = m.end()
        if (context and has_year) or (context and m.start() - context.end() < 40) or \
                (has_year and _birth_year_like(value, today)):
            spans.append(Span(m.start(), m.end(), "DATE_OF_BIRTH", "date+context" if context else "date+year"))
    for m in _NUMERIC_DATE.finditer(text):
        # The birth word asks for this date (not one already given), and no code goes on after it ("stroke").
        since = max([s.end for s in spans if s.end <= m.start()] + [m.start() - _CONTEXT_WINDOW, 0])
        if _BIRTH_CONTEXT.search(text, since, m.start()) and not _CODE_GOES_ON.match(text, m.end()) and \
                not any(s.start < m.end() and m.start() < s.end for s in spans):
            spans.append(Span(m.start(), m.end(), "DATE_OF_BIRTH", "date+context"))
    return spans
