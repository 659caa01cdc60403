"""The next appointment: date, time and place, as last stated in the session.

Strong cues ("next appointment", "book you in for") name it; weak ones ("see you on Tuesday") only confirm
it. Dates, times and places are read from the cue on, in the cue's utterance and the next. A brief
restatement at the door ("See you on the 14th") keeps the time agreed a few utterances before; when no cue
survived recognition, the last late utterance naming both a day and a time is taken.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from ..records import Appointment, Segment, Transcript
from ..vocabulary import HOUR_WORDS, MONTH_PATTERN, ORDINAL_WORDS_PATTERN, WEEKDAY_PATTERN, either
from .calendar import resolve
from .text import cite, phrases

# -- phrase tables ---------------------------------------------------------------------------------------------
# Strong cues name the appointment; weak ones ("see you on Tuesday") only confirm it.
_APPOINTMENT = phrases(r"next appointment", r"next (?:session|meeting)", r"book (?:you|it) in(?: for)?",
                   r"(?:let's|we'll) (?:meet|see each other)", r"come (?:back|in) (?:on|next)", r"same time next")
_APPOINTMENT_WEAK = phrases(r"see you (?:on|next|at|then|in)", r"next one")
_ORDINAL = rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL_WORDS_PATTERN})"
_DATE = re.compile(
    rf"\b(?:(?:next|this|on)\s+)?{WEEKDAY_PATTERN}(?:,?\s+(?:the\s+)?(?:{_ORDINAL}|\d{{1,2}})(?:\s+of\s+{MONTH_PATTERN})?)?"
    rf"|\b(?:the\s+)?{_ORDINAL}(?:\s+of\s+{MONTH_PATTERN})?|\b{MONTH_PATTERN}\s+(?:the\s+)?(?:{_ORDINAL}|\d{{1,2}})"
    r"|\btomorrow\b|\bnext week\b|\bin (?:two|three|four|2|3|4) weeks(?:'|’)? time\b", re.I)
_HOUR_WORDS = either((*HOUR_WORDS, "1[0-2]", "0?[1-9]"))
_TIME = re.compile(
    r"\b(?:(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s*[ap]\s?\.?\s?m\b\.?|(?:[01]?\d|2[0-3]):[0-5]\d"
    rf"|half (?:past )?{_HOUR_WORDS}|quarter (?:past|to) {_HOUR_WORDS}|{_HOUR_WORDS}\s+o\s*['’]?\s*clock"
    rf"|noon|midday|(?<=at ){_HOUR_WORDS}(?:\s+(?:thirty|fifteen|forty-five|\d{{2}}))?)(?!\w)", re.I)
_VENUE_WORDS = r"(?:office|centre|center|hub|building|station|court|clinic|reception|library|cafe|café)"
# Speech recognition glues hyphens onto words ("half -two", "twenty -first"): read them as spaces. "10 .30" is
# half past ten.
_GLUED_HYPHEN = re.compile(r"(?<=\w) -(?=\w)")
_SPACED_CLOCK = re.compile(r"\b(\d{1,2}) ?[.:] ?(\d{2})\b")
_LEADING_ON = re.compile(r"^on\s+", re.I)
_AM_PM = re.compile(r"(?<=[\d\s])([ap])\s?\.?\s?m\b\.?", re.I)
_DIGIT_AM_PM = re.compile(r"(\d)(am|pm)\b")
_O_CLOCK = re.compile(r"\s+o\s*['’]?\s*clock")
_PLACE = re.compile(
    rf"\b(?:at|in)\s+(?P<place>(?:the\s+)?(?:\[[A-Z ]+\d+\]|[A-Z][\w']+)(?:\s+[A-Z][\w']+)?(?:\s+{_VENUE_WORDS})?"
    rf"|the\s+(?:\w+\s+)?{_VENUE_WORDS})|\b(?P<here>here|same place|the usual place)\b")


def _tidy_date(text: str) -> str:
    """'on Friday' -> 'Friday' ('next' and 'this' are kept: they change the date)."""
    return _LEADING_ON.sub("", text.strip())


def _tidy_time(text: str) -> str:
    """'3 p .m.' -> '3 pm', "10 o 'clock" -> "10 o'clock" (speech recognition spacing)."""
    text = _AM_PM.sub(lambda m: m.group(1).lower() + "m", text)
    text = _DIGIT_AM_PM.sub(r"\1 \2", text)
    return _O_CLOCK.sub(" o'clock", text).strip()


def _restated(segments: list[Segment], date: str, time: str, i: int, later: Appointment) -> Appointment:
    """``later`` with the time agreed in utterance ``i``, where ``later`` restates that day more briefly
    ("Tuesday the 14th at half past two" ... "See you on the 14th")."""
    date = _tidy_date(date)
    if date.split()[-1].lower() != later.date.split()[-1].lower():
        return later
    ts, idx = cite(segments, [i, *later.segments])
    return Appointment(max(date, later.date, key=len), _tidy_time(time), later.place, ts, idx)


def extract_appointment(transcript: Transcript) -> Appointment | None:
    """The next appointment (date, time, place) as last stated in the session, its day resolved to a calendar
    date when the recording's date is known."""
    found = _stated_appointment(transcript)
    recorded = _recording_day(transcript.source.recorded_at)
    if found is None or not found.date or recorded is None:
        return found
    day, check = resolve(found.date, recorded)
    return replace(found, calendar_date=day.isoformat() if day else None, date_check=check)


def _recording_day(recorded_at: str | None) -> date | None:
    try:
        return datetime.fromisoformat(recorded_at).date() if recorded_at else None
    except ValueError:
        return None


def _stated_appointment(transcript: Transcript) -> Appointment | None:
    segments = transcript.segments
    texts = [_SPACED_CLOCK.sub(r"\1:\2", _GLUED_HYPHEN.sub(" ", seg.redacted_text)) for seg in segments]
    strong = [i for i, text in enumerate(texts) if _APPOINTMENT.search(text)]
    weak = [i for i, text in enumerate(texts) if _APPOINTMENT_WEAK.search(text)]
    found: Appointment | None = None
    for i in strong or weak:
        cue = (_APPOINTMENT if strong else _APPOINTMENT_WEAK).search(texts[i])
        window = [i] + ([i + 1] if i + 1 < len(segments) else [])
        # Read from the cue on: "Good luck on Thursday. Next appointment is Tuesday..." means Tuesday.
        text = " ".join(texts[j] for j in window)[cue.start():]
        date = _DATE.search(text)
        time = _TIME.search(text)
        place = _PLACE.search(text[time.end():] if time else text) or _PLACE.search(text)
        place_text = (place.group("place") or place.group("here")) if place else None
        if not (date or time):
            continue
        own = len(texts[i]) - cue.start()
        ts, idx = cite(segments, window if (date and date.start() >= own) or (time and time.start() >= own) else [i])
        found = Appointment(_tidy_date(date.group()) if date else None, _tidy_time(time.group()) if time else None,
                            place_text.strip() if place_text else None, ts, idx)
    if found and found.date and not found.time:
        # "See you on the 14th" at the door: the day and time were agreed a few utterances before.
        for i in range(found.segments[0] - 1, max(-1, found.segments[0] - 6), -1):
            date, time = _DATE.search(texts[i]), _TIME.search(texts[i])
            if date and time:
                found = _restated(segments, date.group(), time.group(), i, found)
                break
    if found is None:
        # No cue survived recognition ("let's look you in for Wednesday..."): sessions end by agreeing the
        # next appointment, so take the last late utterance that names both a day and a time.
        for i in range(len(segments) - 1, len(segments) * 2 // 3 - 1, -1):
            date, time = _DATE.search(texts[i]), _TIME.search(texts[i])
            if date and time:
                place = _PLACE.search(texts[i])
                ts, idx = cite(segments, [i])
                return Appointment(_tidy_date(date.group()), _tidy_time(time.group()),
                                   (place.group("place") or place.group("here")) if place else None, ts, idx)
    return found


def describe_appointment(a: Appointment) -> str:
    """The appointment as the note's Appointment point states it."""
    day = None
    if a.calendar_date:
        day = f"{date.fromisoformat(a.calendar_date):%A %-d %B %Y}"
        day = day if a.date and a.date.lower() == day.split()[0].lower() else f"{a.date} ({day})"
    parts = [p for p in (day or a.date, f"at {a.time}" if a.time else None, f"({a.place})" if a.place else None) if p]
    return "Next appointment: " + " ".join(parts) + (f". Date to check: {a.date_check}" if a.date_check else "")

