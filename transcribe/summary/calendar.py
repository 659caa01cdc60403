"""The next appointment's day as a calendar date, resolved against the day the session was recorded.

"Friday 11th", "Tuesday the 15th", "the 3rd of March", "next Thursday", "tomorrow", "in two weeks' time": the
first such date after the recording. Where a weekday and a day of the month are both said and disagree
("Tuesday the 15th" when the 15th is a Wednesday), the date of the day of the month is kept and the
mismatch is returned for the officer to check against the recording.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..vocabulary import MONTHS, ORDINAL_WORDS, WEEKDAYS

_ORDINALS = {word: n for n, word in enumerate(ORDINAL_WORDS, start=1)}
_UNITS = {word: n for n, word in enumerate(ORDINAL_WORDS[:9], start=1)}
_DAY = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)?|(twenty|thirty)[\s-](\w+)|(\w+))\b", re.I)
_WEEKS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_IN_WEEKS = re.compile(r"\bin\s+(a|one|two|three|four|[1-4])\s+weeks?", re.I)
_NEXT = re.compile(r"\bnext\s+(?=\w+day\b)", re.I)


def _day_of_month(text: str) -> int | None:
    for m in _DAY.finditer(text):
        if m.group(1):
            day = int(m.group(1))
        elif m.group(2) and m.group(3).lower() in _UNITS:
            day = (20 if m.group(2).lower() == "twenty" else 30) + _UNITS[m.group(3).lower()]
        elif m.group(4) and m.group(4).lower() in _ORDINALS:
            day = _ORDINALS[m.group(4).lower()]
        elif m.group(4) and m.group(4).lower() == "thirtieth":
            day = 30
        else:
            continue
        if 1 <= day <= 31:
            return day
    return None


def _first_on_or_after(start: date, day: int, month: int | None) -> date | None:
    """The first date on or after ``start`` with that day of the month (and month, if given)."""
    for offset in range(0, 14):
        y, m = divmod(start.month - 1 + offset, 12)
        year, mon = start.year + y, m + 1
        if month and mon != month:
            continue
        try:
            candidate = date(year, mon, day)
        except ValueError:
            continue
        if candidate >= start:
            return candidate
    return None


def resolve(spoken: str, recorded: date) -> tuple[date | None, str | None]:
    """(calendar date, mismatch note) of a spoken appointment day, counted from the recording day."""
    lower = spoken.lower()
    if "tomorrow" in lower:
        return recorded + timedelta(days=1), None
    weeks = _IN_WEEKS.search(lower)
    if weeks:
        return recorded + timedelta(weeks=_WEEKS[weeks.group(1)]), None
    weekday = next((i for i, w in enumerate(WEEKDAYS) if re.search(rf"\b{w}\b", lower)), None)
    month = next((i for i, m in enumerate(MONTHS, start=1) if re.search(rf"\b{m}\b", lower)), None)
    day = _day_of_month(re.sub(r"\b(?:" + "|".join(WEEKDAYS + MONTHS) + r")\b", " ", lower))
    if day is not None:
        found = _first_on_or_after(recorded + timedelta(days=1), day, month)
        if found is None:
            return None, None
        if weekday is not None and found.weekday() != weekday:
            return found, (f"said as {spoken.strip()}, but {found:%-d %B %Y} is a {found:%A}: "
                           "check the recording")
        return found, None
    if weekday is not None:
        ahead = (weekday - recorded.weekday() - 1) % 7 + 1  # the next such day, never the recording day
        found = recorded + timedelta(days=ahead)
        if _NEXT.search(lower) and found.isocalendar()[1] == recorded.isocalendar()[1]:
            found += timedelta(weeks=1)  # "next Friday" said on a Monday is the Friday of next week
        return found, None
    return None, None
