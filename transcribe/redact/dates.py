"""Dates of birth: dates said with a birth context, or full dates whose year makes them a birth date.

Appointment and court dates are not redacted: they rarely carry a year, and when they do it is recent.
"""

from __future__ import annotations

import re
from datetime import date

from ..vocabulary import MONTH_OR_ABBREVIATION_PATTERN, MONTHS, ORDINAL_WORDS, ORDINAL_WORDS_PATTERN
from .lexicons import consonant_skeleton, first_names, is_common_word
from .spans import Span, overlaps
from .spoken import DIGIT_WORDS, INTERJECTION_UTTERANCE, TEENS

_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORDINAL_WORDS_PATTERN})"
_SPOKEN_YEAR = (r"(?:(?:nineteen|twenty)[\s-]+(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|oh[\s-](?:one|two|three|four|five|"
                r"six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
                r"nineteen)|two\s+thousand(?:\s+and)?(?:\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                r"eleven|twelve))?)")
_SPOKEN_TWO_DIGITS = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|"
                      r"five|six|seven|eight|nine))?|oh[\s-](?:one|two|three|four|five|six|seven|eight|nine))")
_YEAR = rf"(?:(?:19|20)\d\d|'?\d\d|{_SPOKEN_YEAR}|{_SPOKEN_TWO_DIGITS})"
A_YEAR = re.compile(_YEAR, re.I)  # a year, alone: whether it is a birth year is for the rules below to say
_FULL_YEAR = rf"(?:(?:19|20)\d\d|{_SPOKEN_YEAR})"
_SPOKEN_OLD_YEAR = r"(?:forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
_SEP = r"[\s,]+"
# Months as the recogniser hears them too: split in two ("no vember", "sept ember"), misspelt ("Febuary"),
# cut short ("Octo") or sound-alike ("Jew Lie").
_MISHEARD_MONTHS = {**{rf"{m[:i]}\s+{m[i:]}": m for m in MONTHS for i in range(2, len(m) - 1)},
                    r"feb(?:u|ur)ary": "february", "octo": "october", r"(?:jew|ju)\s+l(?:ie|y)": "july"}
_MISHEARD = "|".join(sorted(_MISHEARD_MONTHS, key=len, reverse=True))
_MISHEARD_MONTH = re.compile(rf"\b(?:{_MISHEARD})\b", re.I)
_MONTH = rf"(?:{_MISHEARD}|{MONTH_OR_ABBREVIATION_PATTERN})"
_MONTH_WORD = re.compile(rf"{_MONTH}\b", re.I)
DATE = re.compile(
    rf"\b(?:(?:the\s+)?{_DAY}(?:\s+o[fn])?{_SEP}{_MONTH}\.?(?:{_SEP}{_YEAR})?"
    rf"|{_MONTH}\.?{_SEP}(?:the\s+)?{_DAY}(?:{_SEP}{_YEAR})?"
    # year first, and no other year after: "Nineteen forty-three, the fifth of May", "1990, October 5th"
    rf"|(?:{_FULL_YEAR}|{_SPOKEN_OLD_YEAR})\s*,\s*(?:(?:the\s+)?{_DAY}(?:\s+o[fn])?{_SEP}{_MONTH}|{_MONTH}\.?{_SEP}(?:the\s+)?{_DAY})"
    rf"(?!{_SEP}{_YEAR})"  # ... or a year of the last century said short: "Seventy-four, the eighth of June"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d\d)\b",
    re.I,
)
# A month and a year with no day ("Jan oh seven", "June 1989"): a date of birth only after a birth word. A
# number that could be a day ("June 25") is not a year here.
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\.?{_SEP}(?:(?:19|20)\d\d|'\d\d|[4-9]\d|3[2-9]|{_SPOKEN_YEAR}|"
                         r"(?:forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|"
                         r"nine))?|oh[\s-](?:one|two|three|four|five|six|seven|eight|nine))\b", re.I)
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
# Day and month as ordinals with no year ("the fourteenth of the sixth..."): a date only after a birth word.
_ORDINAL_PAIR = re.compile(rf"\b(?:the\s+)?{_ORDINAL}(?:[\s,]+of\s+the)?{_SEP}{_ORDINAL}\b", re.I)
_CODE_GOES_ON = re.compile(r"\s*(?:stroke|slash|/|\d|(?![ia]\b)[A-Z](?![\w'’]))", re.I)  # not "I think", "i'll"
_BIRTH_CONTEXT = re.compile(r"\b(?:d\.?o\.?b|dates?\s+o[fn]\s+birth|born|birthdays?|birth\s+(?:dates?|years?)|b'day|"
                            r"years?\s+of\s+birth|"
                            r"gave\s+birth|had\s+(?:the|a|her|my|our|his|their)\s+(?:baby|little\s+(?:boy|girl)))\b", re.I)
# Several dates asked for at once ("the children's dates of birth"): the word introduces all of them.
_PLURAL_BIRTH = re.compile(r"\b(?:dates\s+o[fn]\s+birth|birthdays|birth\s+dates|d\.?o\.?b'?s)\b", re.I)
_CONTEXT_WINDOW = 120
# An age as said, and what after it makes it no age ("six weeks", "twenty quid").
_AGE_SAID = (r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
             r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty)\b")
_NOT_AN_AGE = r"weeks?|days?|months?|hours?|minutes?|mins?|o'?clock|[ap]\.?m\b|percent|quid|pounds?|times?"
# A birthday said with the age it brings ("Mason's the second of December, he'll be twelve", "the 4th of May,
# when she turns forty").
_AGE_THEN = re.compile(r"[\s,;-]+(?:so\s+|and\s+|when\s+)?(?:he|she|they|you|i|we)(?:'ll|\s+will)?\s+(?:be|turns?)\s+"
                       + _AGE_SAID + r"(?![\s-]+(?:" + _NOT_AN_AGE + r"|years?(?!\s+old)))", re.I)
# Someone's age said just before a date ("she's eleven now. Eleventh of the eleventh, twenty thirteen."): a
# date in a past year then is when they were born.
_AGE_BEFORE = re.compile(r"\b(?:(?:he|she|they|i|you)(?:'s|’s|'re|'m|\s+is|\s+are|\s+am)|hes|shes|theyre|im|youre)\s+"
                         r"(?:only\s+|just\s+)?"
                         r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                         r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)(?:\s+now|\s+years?\s+old)?"
                         r"(?:,?\s+(?:isn'?t|is|wasn'?t|aren'?t|ain'?t)\s+(?:he|she|they|it|you)|,?\s+innit)?"  # "..., isn't he"
                         r"[\s.,;?]*$", re.I)
# ... or just after it ("twenty second of june twenty eighteen hes six").
_AGE_AFTER = re.compile(r"[\s,.;-]*(?:and\s+|so\s+)?(?:(?:he|she|they)(?:'s|’s|'re|\s+is|\s+are)|hes|shes|theyre)\s+"
                        r"(?:only\s+|just\s+|now\s+)?" + _AGE_SAID + r"(?![\s-]+(?:" + _NOT_AN_AGE + r"))", re.I)
# ... or the child or adult it belongs to named alone before it, the date ending there ("Archie, eleventh of
# December 2017.").
_NAMED_BEFORE = re.compile(r"(?:^|\n|[.?!,]\s)\s*(?P<name>[A-Za-z][a-z'’-]+)[,.]?\s+$")
_CLAUSE_ENDS = re.compile(r"\s*(?:[.,;?!…]|\n|$)")
# Someone is a day: their birthday ("She's the fourth of April, we're going out for it", "mine's the 5th of May"), not
# where they will be then ("he's the 4th of May in court").
_SOMEONE_IS = re.compile(r"\b(?:(?:he|she|i|mine|his|hers|yours|theirs)(?:'s|’s|'m|’m|\s+is|\s+am)|hes|shes|im|mines)\s+$",
                         re.I)
_NOT_A_BIRTHDAY_AFTER = re.compile(r"[\s,]*(?:at|in|for|from|till|until|to|on)\b", re.I)
_YEAR_DIGITS = re.compile(r"\b(?:19|20)\d\d\b")
_SPOKEN_CENTURY = re.compile(r"\bnineteen[\s-]", re.I)
# A year said in two words at the end, thirty to ninety-nine: the previous century ("..., ninety-four").
_SPOKEN_LAST_CENTURY = re.compile(r"\b(?:thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|"
                                  r"four|five|six|seven|eight|nine))?(?:\W*$|\s*,(?=.*[a-z]))", re.I)  # or first


_TEENS_AND_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
# The year of a date all in numbers, said as a teen: this century's ("six six eighteen").
_NUMERIC_TEEN_YEAR = re.compile(r".*\b(ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)",
                                re.I | re.S)
_SPOKEN_2000S = re.compile(r"\b(?:two\s+thousand(?:\s+and)?\s+|twenty[\s-](?=(?:ten|eleven|twelve|thirteen|fourteen|"
                           r"fifteen|sixteen|seventeen|eighteen|nineteen)\b))(" + "|".join(_TEENS_AND_UNITS) + r")\b", re.I)


def _birth_year_like(text: str, today: date, years_ago: int = 14, teen_year: bool = False) -> bool:
    """True when the date names a year at least ``years_ago`` years ago (no appointment is booked 14 years
    back); ``teen_year``: a date all in numbers may end in this century's year said as a teen ("six six
    eighteen"; elsewhere "the 2nd of the 5th, ten thirty" is a time)."""
    m = _YEAR_DIGITS.search(text)
    if m:
        return int(m.group()) <= today.year - years_ago
    numeric = re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-](\d\d)|.*?[a-z][\s,]+'?(\d\d)", text, re.I)
    if numeric:  # "12/9/77", "6 June 95": a two-digit year in the previous century; "7/7/02" long enough ago in
        # this one (not "the 11th of July, 10:45")
        year = int(numeric.group(1) or numeric.group(2))
        return year > today.year % 100 or bool(numeric.group(1)) and 2000 + year <= today.year - years_ago
    said = _SPOKEN_2000S.search(text) or (teen_year and _NUMERIC_DATE.fullmatch(text) and _NUMERIC_TEEN_YEAR.fullmatch(text))
    if said:  # "two thousand and four", "twenty eleven", "six six eighteen"
        return 2000 + _TEENS_AND_UNITS.index(said.group(1).lower()) + 1 <= today.year - years_ago
    return bool(_SPOKEN_CENTURY.search(text) or _SPOKEN_LAST_CENTURY.search(text))


def _named_before(text: str, start: int, end: int) -> bool:
    named = _NAMED_BEFORE.search(text, max(0, start - 24), start)
    return bool(named and named.group("name").lower() in first_names() and _CLAUSE_ENDS.match(text, end))


# An utterance that stops without a full stop ("Nineteenth,") or trails off ("the fourteenth of the sixth...").
_GOES_ON = re.compile(r"(?:(?<![.?!])|(?<=\.\.\.)|(?<=\.\.\.\?)|(?<=…))\n")


# Days everyone knows by name, as the day and month they are (a birthday said so: "Christmas Day, sixty-eight").
_NAMED_DAYS = {r"christmas\s+day": "25 dec", r"christmas\s+eve": "24 dec", r"boxing\s+day": "26 dec",
               r"new\s+year'?s\s+day": "1 jan", r"new\s+year'?s\s+eve": "31 dec", r"hogmanay": "31 dec",
               r"valentine'?s\s+day": "14 feb", r"(?:bonfire|guy\s+fawkes)\s+night": "5 nov",
               r"halloween": "31 oct", r"st\.?\s+patrick'?s\s+day": "17 mar", r"st\.?\s+david'?s\s+day": "1 mar",
               r"st\.?\s+george'?s\s+day": "23 apr", r"st\.?\s+andrew'?s\s+day": "30 nov"}
_NAMED_DAY = re.compile(r"\b(?:" + "|".join(_NAMED_DAYS) + r")\b", re.I)
# A month the recogniser bent into other words after a day ("the 18th of a gust", "28th of Feb you airy",
# "sixth of Jen", "3rd of marks", "Sixth of Jew line"): one to three words that sound like the month.
# ("24th Jew line": after a day written with its suffix, "of" may be missing.)
_AFTER_DAY = re.compile(rf"\b(?:{_DAY}\s+of|\d{{1,2}}(?:st|nd|rd|th))\s+(?P<said>[a-z]+(?:\s+[a-z]+){{0,2}})", re.I)


def _sound_key(words: str) -> str:
    """The consonants of ``words`` with a hard c as k ("marks" and "march" share "mrk")."""
    return consonant_skeleton(words).replace("c", "k")


_MONTH_KEYS = {m: _sound_key(m) for m in MONTHS}


def _month_sounding(words: str) -> tuple[str, str] | None:
    """(the words, the month as "aug") for the longest start of one to three words that sounds like a month
    and is not one: the same consonants ("a gust"), one more at the end ("Jew line", "marks"), or a long
    month's "-er" said without its r ("septemba", "novemba"); or None."""
    parts = words.split()
    if not parts or _MONTH_WORD.fullmatch(parts[0]):  # "June two thousand": no month bent
        return None
    for n in range(len(parts), 0, -1):
        key = _sound_key("".join(parts[:n]))
        month = next((m for m, k in _MONTH_KEYS.items() if len(key) >= 2 and len(k) >= 2
                      and (key == k or (len(key) == len(k) + 1 and key.startswith(k))
                           or (len(k) >= 4 and k.endswith("r") and key == k[:-1]))), None)
        if month and " ".join(parts[:n]).lower() != month:
            return " ".join(parts[:n]), month[:3]
    return None


# An ordinal the recogniser bent ("Fifth of the fith", "the twenny first of June"): a word that is no word
# but has an ordinal's consonants, or "twenny" (twenty, its t dropped), next to "of".
_ORDINAL_KEYS = {consonant_skeleton(w): w for w in ORDINAL_WORDS if len(consonant_skeleton(w)) >= 2}
_BENT_ORDINAL = re.compile(r"\b(?P<tens>twenn(?:y|ie)[\s-]+)?(?P<word>[a-z]+)(?=\s+of\b)|"
                           r"(?<=\bof\s)(?:the\s+)?(?P<after>[a-z]+)\b", re.I)


# "of" and a month after a word ("the forth of April"): a word sounding like an ordinal is one there.
_OF_MONTH = re.compile(rf"\s+of\s+{MONTH_OR_ABBREVIATION_PATTERN}\b", re.I)
# A teen ordinal heard as two words ("the third teeth of August", "seventh teeth", "ate teeth of may").
_TEETH = re.compile(r"\b(?P<unit>third?|four(?:th)?|fif(?:th)?|six(?:th)?|seven(?:th)?|eigh(?:t|th)?|ate|"
                    r"nin(?:e|th))[\s-]+teeth\b", re.I)
# A year said digit by digit and written so ("2 0 0 6").
_SPACED_YEAR = re.compile(r"\b(?:1\s9|2\s0)\s\d\s\d\b")
# ... or said so ("one nine nine six", "two oh one one"), not inside a longer run of digits.
_DIGIT_WORD = r"(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine)"
_SAID_DIGIT_YEAR = re.compile(rf"(?<![\w'’])(?<![\d,-]\s)(?:one[\s,-]+nine|two[\s,-]+(?:oh|o|zero|nought))"
                              rf"[\s,-]+{_DIGIT_WORD}[\s,-]+{_DIGIT_WORD}\b(?![\s,-]+(?:{_DIGIT_WORD}|\d)\b)", re.I)
_TEEN_UNITS = ("thir", "four", "fif", "six", "seven", "ei", "nin")


def _bent_ordinal(m: re.Match) -> tuple[int, str, str] | None:
    """(start, said, meant) for an ordinal the recogniser bent, or None."""
    group = "word" if m.group("word") else "after"
    word = m.group(group).lower()
    if m.group("tens") and word in ORDINAL_WORDS[:9]:
        return m.start(), m.group(), f"2{ORDINAL_WORDS.index(word) + 1}th"
    if word in ORDINAL_WORDS or len(word) < 3:
        return None
    key = consonant_skeleton(word)
    if is_common_word(word):  # a word that sounds the same, before a month: "the forth of April"
        month_after = group == "word" and _OF_MONTH.match(m.string, m.end(group))
        return (m.start(group), m.group(group), f"{ORDINAL_WORDS.index(_ORDINAL_KEYS[key]) + 1}th") \
            if month_after and key in _ORDINAL_KEYS else None
    # the ordinal's consonants, or all but one of four or more ("twelth")
    meant = _ORDINAL_KEYS.get(key) or next((w for k, w in _ORDINAL_KEYS.items() if len(k) >= 4 and len(key) == len(k) - 1
                                            and any(k[:i] + k[i + 1:] == key for i in range(len(k)))), None)
    return (m.start(group), m.group(group), f"{ORDINAL_WORDS.index(meant) + 1}th") if meant else None


def _as_dates(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with named days, bent ordinals and bent months rewritten as a day and month the date patterns
    read, padded to the same length ("Christmas Day" -> "25 dec       ", "fith" -> "5th "), and the stretches
    rewritten."""
    chars, rewritten = list(text), []

    def rewrite(start: int, said: str, meant: str) -> None:
        if len(meant) <= len(said):
            chars[start:start + len(said)] = meant.ljust(len(said))
            rewritten.append((start, start + len(said)))

    for m in _NAMED_DAY.finditer(text):
        rewrite(m.start(), m.group(), next(v for k, v in _NAMED_DAYS.items() if re.fullmatch(k, m.group(), re.I)))
    for m in _SPACED_YEAR.finditer(text):
        rewrite(m.start(), m.group(), re.sub(r"\s", "", m.group()))
    for m in _SAID_DIGIT_YEAR.finditer(text):
        if not re.search(rf"\b{_DIGIT_WORD}[\s,-]+$", text[max(0, m.start() - 8):m.start()], re.I):
            rewrite(m.start(), m.group(), "".join(DIGIT_WORDS[w.lower()] for w in re.findall(r"[a-z]+", m.group(), re.I)))
    for m in _TEETH.finditer(text):
        unit = "ei" if m.group("unit").lower() == "ate" else m.group("unit").lower()
        rewrite(m.start(), m.group(), f"{13 + next(i for i, u in enumerate(_TEEN_UNITS) if unit.startswith(u))}th")
    for m in _BENT_ORDINAL.finditer(text):
        if heard := _bent_ordinal(m):
            rewrite(*heard)
    text = "".join(chars)
    for m in _AFTER_DAY.finditer(text):
        if (heard := _month_sounding(m.group("said"))) and not _MONTH_WORD.fullmatch(heard[0]):
            rewrite(m.start("said"), *heard)
    return "".join(chars), rewritten


def bridged(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each utterance that stops mid-sentence joined to the next one, any interjection-only
    utterances between them ("Yeah.", "Go on") blanked; the same length, so offsets hold. Returns the text
    and the blanked stretches."""
    chars, blanked = list(text), []
    for m in _GOES_ON.finditer(text):
        end = m.end()
        while (fill := INTERJECTION_UTTERANCE.match(text, end - 1)) is not None and fill.end() > end - 1:
            end = fill.end() + 1
        while end < len(text) and text[end] in " .…":  # "...August, twenty eighteen."
            end += 1
        lo = m.start()
        lo -= next((len(t) for t in ("...?", "...", "…") if text.endswith(t, 0, lo)), 0)
        blanked.append((lo, end))
        chars[lo:end] = " " * (end - lo)
    return "".join(chars), blanked


def _run_on(text: str, found: list[Span], said: list[Span]) -> list[Span]:
    """Of what was found in the utterances as said, what lies in one with no punctuation (as the recogniser writes
    run-on speech) and was not found in them joined."""
    def unpunctuated(span: Span) -> bool:
        lo, hi = text.rfind("\n", 0, span.start) + 1, text.find("\n", span.end)
        return not re.search(r"[.?!…]", text[lo:hi if hi >= 0 else len(text)])

    return [s for s in said if unpunctuated(s) and not overlaps(s.start, s.end, found)]


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
    said in pieces ("Nineteenth," "Yeah." "of the eleventh, two thousand.") as one; its year said on its own
    beside it ("Nineteen sixty-eight. The second of August.", "Go on." "eighty-three."); and any other
    mention of the same day and month (the officer's read-back)."""
    today = today or date.today()
    text, rewritten = _as_dates(text)
    joined, blanked = bridged(text)
    days = _birthday_days(joined)
    births = _find_dates_of_birth(joined, today, days)
    births += [d for d in days if not overlaps(d.start, d.end, births)]
    # (a day said alone is no anchor for a year: "my birthday while we're out there, the twenty-fifth. Forty.")
    # A year said alone is read in the utterances as joined (a year going on from the line before: "Sixty...?"
    # "two.") and as said (in speech written with no punctuation every line is joined to the next: "year" "ninety
    # three").
    years = _lone_years(joined, births, today, days)
    births += _same_day_and_month(joined, births, today) + years + _run_on(text, years, _lone_years(text, births, today, days))
    births += _born_in_years(joined, births)
    years = _answered_years(joined, births, today)
    births += years + _run_on(text, years, _answered_years(text, births, today))
    births += _corrections(joined, births)
    births += _alternatives(joined, births)
    births = [Span(min([s.start] + [a for a, b in rewritten if a < s.end and s.start < b]),
                   max([s.end] + [b for a, b in rewritten if a < s.end and s.start < b]), s.label, s.detector)
              for s in births]  # the whole of "Christmas Day", not the "Christ" its "25 dec" stood over
    return [piece for span in births for piece in _cut(span, blanked)]


# Day and month numbers said as words: "fourteenth", "fourteen", "twenty".
_VALUES = ({w: n for n, w in enumerate(ORDINAL_WORDS, start=1)}
           | {w: int(d) for w, d in (DIGIT_WORDS | TEENS).items() if d != "0"} | {"twenty": 20})
_MONTH_BY_PREFIX = {m[:3]: n for n, m in enumerate(MONTHS, start=1)}


def _day_month(value: str) -> tuple[int, int] | None:
    """(day, month) of a date as said or written ("the 12th of Sept", "fourteenth of the sixth", "12.9.77")."""
    day, month = _day_and_month(value)
    return (day, month) if day is not None and month is not None else None


def _day_and_month(value: str) -> tuple[int | None, int | None]:
    """The day and the month a date or a day said alone ("the 26th") gives, each None where it gives none."""
    value = _MISHEARD_MONTH.sub(lambda m: _month_heard(m.group()), value)
    words = re.findall(r"\d+|[a-z]+", value.lower())
    numbers, month, i = [], None, 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            numbers.append(int(word))
        elif word in ("twenty", "thirty") and i + 1 < len(words) and _VALUES.get(words[i + 1], 10) < 10:
            numbers.append((20 if word == "twenty" else 30) + _VALUES[words[i + 1]])
            i += 1
        elif word in _VALUES or word in ("thirtieth", "thirty"):
            numbers.append(_VALUES.get(word, 30))
        elif month is None and len(word) >= 3 and _MONTH_BY_PREFIX.get(word[:3]) and \
                (MONTHS[_MONTH_BY_PREFIX[word[:3]] - 1].startswith(word) or word == "sept"):
            month = _MONTH_BY_PREFIX[word[:3]]
        i += 1
    if month is None and len(numbers) >= 2:
        month = numbers[1]
    day = numbers[0] if numbers and 1 <= numbers[0] <= 31 else None
    return day, (month if month is not None and 1 <= month <= 12 else None)


def _month_heard(said: str) -> str:
    return next(month for pattern, month in _MISHEARD_MONTHS.items() if re.fullmatch(pattern, said, re.I))


def _same_day_and_month(text: str, births: list[Span], today: date) -> list[Span]:
    """Other dates with a date of birth's day and month: "12.9.1977" ... "The twelfth of September"; not one
    with a recent year ("your licence expiry's the 1st of April 2026", on the birthday)."""
    said = {_day_month(text[s.start:s.end]) for s in births} - {None}
    if not said:
        return []
    found = []
    for m in [*DATE.finditer(text), *_NUMERIC_DATE.finditer(text), *_ORDINAL_PAIR.finditer(text)]:
        recent = (year := _YEAR_DIGITS.search(m.group())) and int(year.group()) > today.year - 14
        if _day_month(m.group()) in said and not recent and not overlaps(m.start(), m.end(), births + found):
            found.append(Span(m.start(), m.end(), "DATE_OF_BIRTH", "date+context"))
    return found


# A reply putting a date of birth right ("That's wrong, it's the seventh of January."): no clock time in it.
_CORRECTS = re.compile(r"\b(?:no|not|but|wrong|actually|should\s+be|meant|sorry)\b", re.I)
_CLOCK = re.compile(r"\b(?:\d{1,2}[:.]\d\d|o'clock|half\s+past|quarter\s+(?:past|to)|[ap]\.?m\b)", re.I)


_LONE_DAY = re.compile(rf"\b(?:the\s+)?{_ORDINAL}\b", re.I)


_ANSWERED_DATE = re.compile(rf"(?:(?:yeah|yes|no|nah|sorry|it's|its)[,.]?\s+)?(?P<date>{DATE.pattern}|{_ORDINAL_PAIR.pattern})",
                            re.I)


_CORRECTION_REACH = 100  # characters after a date of birth (or into the reply) in which it is put right


def _corrections(text: str, births: list[Span]) -> list[Span]:
    """A date, or a day alone, put right after a date of birth: later in its utterance ("Octo 3rd 96, no hang
    on, the 13th") or in the utterance straight after it ("No, twenty-fifth.", or a date that opens it), with no
    clock time there."""
    found: list[Span] = []
    for birth in births:
        line_end = text.find("\n", birth.end)
        line_end = len(text) if line_end < 0 else line_end
        reply_end = text.find("\n", line_end + 1)
        reply_end = len(text) if reply_end < 0 or line_end == len(text) else reply_end
        for start, end in ((birth.end, line_end), (line_end, reply_end)):
            end = min(end, start + _CORRECTION_REACH)  # run-on speech joined into one long line
            said = text[start:end]
            fixed = _CORRECTS.search(said)
            if _CLOCK.search(said):
                continue
            if not fixed:
                # a date answered straight back ("I've got her date of birth as 5th of the 2nd." "Second of the fifth.")
                answer = _ANSWERED_DATE.match(text, start + 1) \
                    if start == line_end and not _says_a_date(text[birth.end:line_end]) else None
                if answer and not overlaps(answer.start("date"), answer.end("date"), births + found):
                    found.append(Span(answer.start("date"), answer.end("date"), "DATE_OF_BIRTH", "date+context"))
                continue
            start = start + fixed.start() if start == birth.end else start  # after the correcting word
            for m in [*DATE.finditer(text, start, end), *_ORDINAL_PAIR.finditer(text, start, end),
                      *_LONE_DAY.finditer(text, start, end)]:
                if not overlaps(m.start(), m.end(), births + found):
                    found.append(Span(m.start(), m.end(), "DATE_OF_BIRTH", "date+context"))
        # its day said alone just before it, as a sentence of its own ("Eighteenth. Eighteenth of January.")
        day = _day_month(text[birth.start:birth.end])
        line_start = text.rfind("\n", 0, birth.start) + 1
        for m in _DAY_SENTENCE.finditer(text, line_start, birth.start):
            if day and _day_month(f"{m.group('day')} of {MONTHS[day[1] - 1]}") == day \
                    and not overlaps(m.start("day"), m.end("day"), births + found):
                found.append(Span(m.start("day"), m.end("day"), "DATE_OF_BIRTH", "date+context"))
    return found + _said_again_in_reply(text, births + found)


def _said_again_in_reply(text: str, births: list[Span]) -> list[Span]:
    """Dates said as sentences of their own in the reply to an utterance that ends with a date of birth: the same
    date again or put right ("...has your date of birth as 24/08/1995." "It's the 26th. Twenty-sixth of August.").
    A day alone opening the reply counts; any other date must give the day or the month of one taken. None in a
    reply with a clock time."""
    found: list[Span] = []
    for birth in births:
        line_end = text.find("\n", birth.end)
        if line_end < 0 or len(text[birth.end:line_end].strip(" .,?!…")) > _CLOSES_ITS_UTTERANCE:
            continue
        reply_end = text.find("\n", line_end + 1)
        reply_end = len(text) if reply_end < 0 else reply_end
        if _CLOCK.search(text, line_end, reply_end):
            continue
        taken = [_day_and_month(text[birth.start:birth.end])]
        if taken[0][0] is None:  # a month or a year alone is no date to put right
            continue
        for m in _OWN_SENTENCE_DATE.finditer(text, line_end + 1, reply_end):
            day, month = said = _day_and_month(m.group("date"))
            opening_day = m.start() == line_end + 1 and _LONE_DAY.fullmatch(m.group("date"))
            if (opening_day or any(day is not None and day == d or month is not None and month == mo for d, mo in taken)) \
                    and not overlaps(m.start("date"), m.end("date"), births + found):
                found.append(Span(m.start("date"), m.end("date"), "DATE_OF_BIRTH", "date+context"))
                taken.append(said)
    return found


_CLOSES_ITS_UTTERANCE = 20  # characters at most after a date of birth that ends its utterance ("..., is that right?")
_OWN_SENTENCE_DATE = re.compile(rf"(?:^|(?<=[.!?…]\s))(?:(?:it's|its|no|yeah|yes|sorry|so)[,.]?\s+)?"
                                rf"(?P<date>{DATE.pattern}|{_ORDINAL_PAIR.pattern}|{_LONE_DAY.pattern})(?=\s*(?:[.!?…]|$))",
                                re.I | re.M)


_DAY_SENTENCE = re.compile(rf"(?:^|(?<=[.,!?…]\s)|(?<=\n))(?P<day>(?:the\s+)?{_ORDINAL})(?=[.,!?…])", re.I | re.M)


# "Is it 16 March 87 or 16 May 87?": a date offered instead of a date of birth is one too.
_OR = re.compile(r"[\s,]*(?:or|not|or\s+is\s+it)[\s,]+", re.I)


def _alternatives(text: str, births: list[Span]) -> list[Span]:
    if not births:  # most of an hour's talk: no need to list every date and year in it
        return []
    found: list[Span] = []
    offered = [*DATE.finditer(text), *_NUMERIC_DATE.finditer(text), *_ORDINAL_PAIR.finditer(text),
               *re.finditer(rf"\b{_A_YEAR}\b", text, re.I)]  # "born ninety-six, not ninety-seven"
    for m in offered:
        if overlaps(m.start(), m.end(), births + found):
            continue
        if any(_OR.fullmatch(text, b.end, m.start()) or _OR.fullmatch(text, m.end(), b.start) for b in births):
            found.append(Span(m.start(), m.end(), "DATE_OF_BIRTH", "date+context"))
    return found


# "his birthday was the 2nd", "it's my birthday while we're out there, the twenty-fifth": a day alone.
_BIRTHDAY_DAY = re.compile(rf"\bbirthday(?:'s|\s+is|\s+was)?\b[^.?!\n]{{0,40}}?(?P<day>\b(?:the\s+)?{_ORDINAL})\b"
                           rf"(?![\s,]+(?:of\b|{_MONTH}))", re.I)


def _birthday_days(text: str) -> list[Span]:
    return [Span(m.start("day"), m.end("day"), "DATE_OF_BIRTH", "date+context") for m in _BIRTHDAY_DAY.finditer(text)]


# A year said on its own, as an utterance or a sentence ("No, 1986.", "Year?" "two thousand.").
_LONE_YEAR = re.compile(rf"(?:^|\n|[.,!?…]\s+)(?:(?:no|not|yeah|yes|sorry|and|it's|it\s+was|born\s+in)[,\s]+)?"
                        rf"(?P<year>(?:19|20)\d\d|'?(?:[4-9]\d|3[2-9])|'\d\d|{_SPOKEN_YEAR}|"
                        rf"(?:thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|"
                        rf"seven|eight|nine))?)(?=\s*(?:[.,!?…]|$|i\s+think|i\s+reckon|i\s+believe|or\s+something))",
                        re.I | re.M)
# "born in eighty-seven", "she was born in 2019", "born in June eighty-nine", "born 1975", "D.O.B. 1990", "is the
# 94 your year of birth?": a year of birth wherever it is said.
_A_YEAR = rf"(?:(?:19|20)\d\d|'\d\d|{_SPOKEN_YEAR}|{_SPOKEN_TWO_DIGITS})"
_BORN_IN_YEAR = re.compile(
    rf"(?:\bborn(?:\s+in)?|\bd\.?\s?o\.?\s?b\b\.?|\byears?\s+of\s+birth|\bbirth\s+years?)(?:\s+(?:is|was|as|of))?"
    rf"[\s:,]+(?:the\s+year\s+)?(?P<year>(?:{_MONTH}[\s,]+)?{_A_YEAR})\b"
    rf"|(?P<before>\b(?:(?:19|20)\d\d|'?\d\d))\s+(?:is\s+|was\s+)?(?:your|his|her|their|my)\s+"
    rf"(?:years?\s+of\s+birth|birth\s+years?)\b", re.I)


# A month said on its own just after a year ("ninety-five. August I think"), not a date's ("1990, June 4").
_MONTH_AFTER = re.compile(rf"[^\S\n]*[.,][^\S\n]*({MONTH_OR_ABBREVIATION_PATTERN})\b(?![^\S\n]+(?:the\s+)?\d)", re.I)


def _born_in_years(text: str, births: list[Span]) -> list[Span]:
    """Years of birth, and a month said just after one ("He was born in ninety-five. August I think.")."""
    found = []
    for m in _BORN_IN_YEAR.finditer(text):
        group = "year" if m.group("year") else "before"
        if not overlaps(m.start(group), m.end(group), births + found):
            found.append(Span(m.start(group), m.end(group), "DATE_OF_BIRTH", "date+context"))
        if (month := _MONTH_AFTER.match(text, m.end(group))) and not overlaps(month.start(1), month.end(1), births + found):
            found.append(Span(month.start(1), month.end(1), "DATE_OF_BIRTH", "date+context"))
    return found



# An age asked or said ("How old is she?", "She was seventy-two?"): the number after it is no year.
_ASKS_AGE = re.compile(r"\b(?:how\s+old|age|(?:he|she|you|they|i)(?:'s|'re|'m|\s+(?:is|was|were|are|am))\s+(?:only\s+|"
                       r"nearly\s+|about\s+)?(?:\d+|(?:thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]\w+)?)\s*\?)",
                       re.I)
YEAR_REACH = 2  # utterances after a date of birth where its year may still come


def _after_age_asked(text: str, start: int) -> bool:
    """Whether an age was asked or said in the previous utterance or this one, before ``start``."""
    return _ASKS_AGE.search(text, text.rfind("\n", 0, text.rfind("\n", 0, start)) + 1, start) is not None


def _lone_years(text: str, births: list[Span], today: date, days: list[Span]) -> list[Span]:
    """A year said alone next to a date of birth: in the same utterance before it, or in the next
    :data:`YEAR_REACH` utterances (a year given after "Year?", or corrected: "No, 1986")."""
    found: list[Span] = []
    for birth in (b for b in births if b not in days):
        line_start = text.rfind("\n", 0, birth.start) + 1
        after_end = birth.end
        for _ in range(YEAR_REACH + 1):
            nxt = text.find("\n", after_end + 1)
            after_end = len(text) if nxt < 0 else nxt
        for lo, hi in ((line_start, birth.start), (birth.end, after_end)):
            for m in _LONE_YEAR.finditer(text, lo, hi):
                start, end = m.span("year")
                year = m.group("year")
                if (year.isdigit() and int(year) > today.year) or (_after_age_asked(text, start) and len(year) != 4) \
                        or overlaps(start, end, births + found):
                    continue
                found.append(Span(start, end, "DATE_OF_BIRTH", "date+context"))
    return found


ANSWER_REACH = 2  # utterances after a question asking for a date of birth in which the answer may come


# A short question going on with a list of dates of birth to the next person ("Your partner?", "And the
# children?", "And her dad?", "And yours for the form."; not "And the next appointment?").
_NEXT_IN_LIST = re.compile(r"\n(?:(?=[^\n?]{0,30}\?[^\S\n]*\n)|(?=(?i:and|now|then)\b[^\n?.]{0,30}\.[^\S\n]*\n))"
                           r"[^\n?]*\b(?:partner|wife|husband|girlfriend|boyfriend|"
                           r"fianc[ée]e?|mum|mam|mother|dad|father|son|daughter|kids|children|child|baby|brother|"
                           r"sister|nan|gran|grandad|step\w*|eldest|youngest|oldest|his|hers|her|him|yours|theirs|the\s+other\s+one)\b"
                           r"[^\n?]*[?.]",
                           re.I)


_ASKS = re.compile(r"\b(?:what|what's|whats|when|when's|whens|and|do|does|did|can|could|have|has|got|know|need|"
                   r"give|tell|is|was)\b", re.I)


def _says_a_date(text: str) -> bool:
    return any(p.search(text) for p in (DATE, _NUMERIC_DATE, _ORDINAL_PAIR, _MONTH_YEAR, _YEAR_DIGITS))


def _asked_before(text: str, start: int, since: int, births: list[Span] = ()) -> bool:
    """Whether a date of birth was asked for ("Date of birth?", "Why do you need my sister's date of birth?")
    in the :data:`ANSWER_REACH` utterances before ``start``'s, after offset ``since``; or, just after one was
    given, for the next person in a list ("Eleventh of May, eighty-one." "Your partner?" "...")."""
    line_start = lo = text.rfind("\n", 0, start)
    for _ in range(ANSWER_REACH):
        lo = text.rfind("\n", 0, lo) if lo > 0 else -1
    for m in _BIRTH_CONTEXT.finditer(text, max(lo + 1, since), start):
        line_end = text.find("\n", m.end())
        after = text[m.end():line_end if line_end >= 0 else len(text)]
        # Asked with "?", or with "please" and no date ("Full name and date of birth for Lewis, please."), or as a
        # question in speech the recogniser wrote with no punctuation at all ("and date of birth", "do you know
        # his date of birth for the form"; not "i'll put your date of birth on it")
        before = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        unpunctuated_question = not re.search(r"[.?!]", before + after) and _ASKS.search(before)
        if ("?" in after or ("please" in after.lower() or unpunctuated_question) and not _says_a_date(after)) \
                and "\n" in text[m.end():start]:
            return True
    question = _NEXT_IN_LIST.search(text, max(lo, 0), max(line_start, 0) + 1)
    # ... asked straight after a date of birth was given (in the utterance before the question)
    return question is not None and any(b.end <= question.start() and text.count("\n", b.end, question.start()) == 0
                                        for b in births)


def _answered_years(text: str, births: list[Span], today: date) -> list[Span]:
    """A year said alone in answer to a question asking for a date of birth ("Date of birth?" "Christ.
    Sixty-eight."), not after an age asked."""
    found: list[Span] = []
    for m in _LONE_YEAR.finditer(text):
        start, end = m.span("year")
        year = m.group("year")
        if (year.isdigit() and int(year) > today.year) or overlaps(start, end, births + found):
            continue
        if _asked_before(text, start, 0, births) and not _after_age_asked(text, start):
            found.append(Span(start, end, "DATE_OF_BIRTH", "date+context"))
    return found


def _last(pattern: re.Pattern, text: str, lo: int, hi: int) -> re.Match | None:
    """The last match of ``pattern`` in ``text[lo:hi]`` (the birth word nearest a date is the one that counts)."""
    last = None
    for last in pattern.finditer(text, lo, hi):  # noqa: B007
        pass
    return last


def _find_dates_of_birth(text: str, today: date, days: list[Span]) -> list[Span]:
    """Dates after a birth word or with an old year; ``days`` are days said alone after "birthday" (each
    takes its birth word, as a date would)."""
    spans: list[Span] = []
    previous_end = 0  # end of the last date of any kind
    list_end = -1  # end of the last date of birth in a list that a plural birth word announced
    last_birth = None  # end of the last date of birth
    candidates = sorted([(m, False) for m in DATE.finditer(text)]
                        + [(m, True) for m in (*_NUMERIC_DATE.finditer(text), *_ORDINAL_PAIR.finditer(text),
                                               *_MONTH_YEAR.finditer(text))],
                        key=lambda c: (c[0].start(), -c[0].end()))
    for m, numeric in candidates:
        if overlaps(m.start(), m.end(), spans):
            continue
        value = m.group()
        has_year = (numeric or bool(re.search(rf"{_YEAR}\s*$", value, re.I) or re.match(_FULL_YEAR, value, re.I)
                                    or re.match(rf"{_SPOKEN_OLD_YEAR}\s*,", value, re.I))
                    or "/" in value or "." in value)
        # A birth word introduces the next date only: not one after another date has been given. A plural one
        # ("the kids' dates of birth") introduces a list: each date with a year soon after the last one.
        window = m.start() - _CONTEXT_WINDOW
        plural = _PLURAL_BIRTH.search(text, max(0, window), m.start())
        previous_end = max([previous_end] + [d.end for d in days if d.end <= m.start()])
        context = _last(_BIRTH_CONTEXT, text, max(0, window if plural else max(previous_end, window)), m.start())
        in_list = has_year and list_end >= 0 and m.start() - list_end < _CONTEXT_WINDOW
        asked = _asked_before(text, m.start(), previous_end, spans)
        previous_end = m.end()
        if numeric:  # all in numbers: could be anything else, and never if a code goes on after it ("stroke")
            # ... or an old year soon after a date of birth ("Hers, Octo 3rd 96. And then mine, eleven four ninety-two.")
            after_birth = last_birth is not None and m.start() - last_birth < _CONTEXT_WINDOW
            birth = bool(context or in_list or asked or ((_ORDINALS_ONLY.match(value) or after_birth)
                                                and _birth_year_like(value, today)))
            birth = birth and not _CODE_GOES_ON.match(text, m.end())
        else:
            birth = bool((context and has_year) or (context and m.start() - context.end() < 40) or in_list or asked
                         or (has_year and _birth_year_like(value, today)) or _AGE_THEN.match(text, m.end()))
        birth = birth or (has_year and _birth_year_like(value, today, years_ago=1, teen_year=True)
                          and bool(_AGE_BEFORE.search(text[max(0, m.start() - 40):m.start()])
                                   or _AGE_AFTER.match(text, m.end()) or _named_before(text, m.start(), m.end())))
        birth = birth or bool(_SOMEONE_IS.search(text[max(0, m.start() - 12):m.start()]) and "\n" not in value
                              and not _NOT_A_BIRTHDAY_AFTER.match(text, m.end()))
        if birth:
            spans.append(Span(m.start(), m.end(), "DATE_OF_BIRTH",
                              "date+context" if context or in_list or asked else "date+year"))
            last_birth = m.end()
            if plural or in_list:
                list_end = m.end()
    return spans
