"""Spoken English words for days, dates and small numbers, shared by redaction and the summary.

Kept in one place so that the date-of-birth detector (:mod:`transcribe.redact.dates`) and the appointment
reader (:mod:`transcribe.summary.appointment`) read "Tuesday the twenty-first of March" the same way. The
``*_PATTERN`` strings are regular-expression alternations to embed in larger patterns (matched without case).
"""

from __future__ import annotations

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
# 1st to 20th in words; 21st to 31st are built from these in ORDINAL_WORDS_PATTERN.
_UNIT_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
ORDINAL_WORDS = (*_UNIT_ORDINALS, "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
                 "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth")
# one to twelve: the hours of a clock.
HOUR_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def either(words) -> str:
    """A non-capturing alternation of ``words``, in order."""
    return "(?:" + "|".join(words) + ")"


WEEKDAY_PATTERN = either(WEEKDAYS)
MONTH_PATTERN = either(MONTHS)
# Months as people write them too: "Jan", "Sept", "Dec".
MONTH_OR_ABBREVIATION_PATTERN = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
                                 r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
ORDINAL_WORDS_PATTERN = either((*ORDINAL_WORDS, rf"twenty[\s-]{either(_UNIT_ORDINALS)}", "thirtieth",
                                r"thirty[\s-]first"))
