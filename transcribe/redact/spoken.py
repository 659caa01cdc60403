"""Read identifiers the way speech recognition writes them.

Speech comes out as "oh seven seven double four, five six", "A nine four seven eight L E", "BL1 3PR",
"c, four double two, three eight zero". :func:`code_runs` turns stretches of such tokens into a compact
string of upper-case letters, digits and ``/`` with, for every character, the token it came from, so
format regexes can run on the compact form and matches map back to exact character spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicons import FILLERS, is_common_word

# "or", "all", "owe" and "so": how speech recognition often writes a spoken "oh" inside a number (read so
# only between two digits: "seven or four", "three so eight", not "111, or the Samaritans").
DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0", "or": "0", "all": "0", "owe": "0", "so": "0",
               "one": "1", "two": "2",
               "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
         "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19"}
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7", "eighty": "8",
        "ninety": "9"}
REPEATS = {"double": 2, "triple": 3, "treble": 3}
SEPARATOR_WORDS = {"slash": "/", "stroke": "/"}
# Short everyday words that must not be read as spelled letters ("is", "at"...) unless written in capitals.
_FUNCTION_WORDS = set("""a i an am as at be by do go he if in is it me my no of on or so to up us we ok hi
yo ya ye eh ah uh um er mm hm oi aw ha the and for you are was his her its our yes not but can had has all any
now one two six ten did get got let may say see she too way who why how off out own few new old per via yet
yep yup aye nah naw mhm hmm app bus car job mum dad nan pay day pin pen key fee reg
""".split())

_TOKEN = re.compile(r"[Xx]-[Rr]ay|[A-Za-z0-9]+(?:['’][A-Za-z]+)*|/")
# What may stand between two tokens of one identifier: spaces, commas, dashes, dots, newlines (the
# number continues in the next utterance).
_GAP = re.compile(r"[\s,.;:\-–—]*(?:(?:and\s+)?then[\s,]+)?")  # "... seven seven, and then bee at the end"
_THEN = re.compile(r"(?:and\s+)?then\b", re.I)
# An utterance of interjections only ("Yeah.", "Mm-hm.", "Go on."), between two pieces of what one speaker reads
# out: the number goes on after it.
INTERJECTION_UTTERANCE = re.compile(r"\n[^\S\n]*(?:[^\w\n]*(?:" + "|".join(sorted(FILLERS, key=len, reverse=True))
                                    + r")\b[^\w\n]*){1,4}(?=\n)", re.I)
_BRIDGED_GAP = re.compile(r"[\s,.;:\-–—]*?(?:" + INTERJECTION_UTTERANCE.pattern + r")+[\s,.;:\-–—]*", re.I)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@dataclass
class CodeRun:
    """A stretch of code-like tokens. ``chars[i]`` came from ``tokens[owner[i]]``."""

    tokens: list[Token]
    chars: str
    owner: list[int]

    def span_of(self, lo: int, hi: int) -> tuple[int, int] | None:
        """Document span of compact characters [lo, hi), or None unless they start and end on token edges."""
        if lo >= hi:
            return None
        first, last = self.owner[lo], self.owner[hi - 1]
        starts_clean = lo == 0 or self.owner[lo - 1] != first
        ends_clean = hi == len(self.chars) or self.owner[hi] != last
        if not (starts_clean and ends_clean):
            return None
        return self.tokens[first].start, self.tokens[last].end


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


WEAK_ZEROS = frozenset({"or", "all", "owe", "so"})
# Digits heard as words that sound the same ("E ate oh three..."): read so only between two characters of a
# code, one of them a digit.
SOUND_ALIKE_DIGITS = {"ate": "8", "won": "1"}
# Letters as the recogniser writes their names ("jay kay", "bee dee", "why are 68"); "double you" is W.
LETTER_NAMES = {"ay": "A", "bee": "B", "see": "C", "sea": "C", "dee": "D", "ee": "E", "eff": "F", "gee": "G",
                "aitch": "H", "haitch": "H", "eye": "I", "jay": "J", "kay": "K", "el": "L", "em": "M", "en": "N",
                "pee": "P", "queue": "Q", "cue": "Q", "are": "R", "es": "S", "ess": "S", "tee": "T", "tea": "T",
                "you": "U", "vee": "V", "ex": "X", "why": "Y", "wye": "Y", "zed": "Z"}
# Everyday words that name a letter only where a letter is asked for or spelled ("And the letter?" "Be.", "Be for
# bravo"; "age" for "aitch").
WORDS_FOR_LETTERS = {"be": "B", "pea": "P", "age": "H"}
_TOLD_LETTERS = LETTER_NAMES | WORDS_FOR_LETTERS
# Two letters' names run into one word by the recogniser ("five four easy" for 54EZ, "katie nineteen" for
# KT19): read so only beside a digit, a number or a letter said alone, since every one is also a word.
LETTER_PAIRS = {"easy": "EZ", "envy": "NV", "essex": "SX", "katie": "KT", "ivy": "IV", "arty": "RT", "empty": "MT",
                "excel": "XL", "seedy": "CD", "decay": "DK", "essay": "SA", "icy": "IC", "beady": "BD",
                "tidy": "TD", "teddy": "TD", "evie": "EV", "ellie": "LE", "ellen": "LN", "eddie": "ED", "abby": "AB",
                "kelly": "KL", "casey": "KC", "emmy": "ME", "jaycee": "JC", "cutie": "QT", "obey": "OB"}


def letter_pair_at(tokens: list[Token], i: int) -> str | None:
    """The letters of a two-letter word at ``i`` (see :data:`LETTER_PAIRS`) when a code character is beside it,
    a space away ("four easy"; not "Nice and easy. 07700")."""
    pair = LETTER_PAIRS.get(tokens[i].text.lower())
    return pair if pair and any(
        0 <= j < len(tokens) and max(tokens[j].start - tokens[i].end, tokens[i].start - tokens[j].end) == 1
        and (_digit_at(tokens, j) or _code_letter_at(tokens, j) or tokens[j].text.isdigit()
             or tokens[j].text.lower() in TENS | TEENS.keys()) for j in (i - 1, i + 1)) else None


# The phonetic alphabet ("yankee foxtrot one seven kilo whisky november"): read as letters only beside another
# phonetic word or a digit, since several are names or words too ("Charlie", "hotel", "golf").
NATO = {w: w[0].upper() for w in """alpha alfa bravo charlie delta echo foxtrot golf hotel india juliet juliett kilo
lima mike november oscar papa quebec romeo sierra tango uniform victor whisky whiskey xray yankee zulu""".split()}
NATO["x-ray"] = "X"


def _phonetic_or_digit(tokens: list[Token], i: int) -> bool:
    if not 0 <= i < len(tokens):
        return False
    word = tokens[i].text
    lower = word.lower()
    # A capital said alone counts too ("S, Tango"), but not the words "I" and "A".
    return lower in NATO or lower in DIGIT_WORDS or lower in TEENS or word.isdigit() or (
        len(word) == 1 and word.isupper() and word not in "IA")


def _digit_at(tokens: list[Token], i: int) -> bool:
    if not 0 <= i < len(tokens):
        return False
    lower = tokens[i].text.lower()  # one digit: "seven or four", not "116 123 or 111"
    return (tokens[i].text.isdigit() and len(tokens[i].text) == 1) or (lower in DIGIT_WORDS and lower not in WEAK_ZEROS)


def _code_letter_at(tokens: list[Token], i: int) -> bool:
    """A capital letter said alone ("E"), not the words "I" and "A"."""
    return 0 <= i < len(tokens) and len(tokens[i].text) == 1 and tokens[i].text.isupper() and tokens[i].text not in "IA"


def _spelling_word(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """(letter, tokens used) of a letter told by a word ("D for delta", "M as in mother", "b for bravo", "Be for
    bravo": a letter's name only with a spelling-alphabet word), or None."""
    word = tokens[i].text
    letter = word.upper() if len(word) == 1 and word.isalpha() else _TOLD_LETTERS.get(word.lower())
    if letter is None:
        return None
    for link in (("for",), ("as", "in")):
        j = i + 1 + len(link)
        if j < len(tokens) and [t.text.lower() for t in tokens[i + 1:j]] == list(link):
            told = tokens[j].text
            if len(told) >= 3 and told.isalpha() and told[0].upper() == letter and (len(word) == 1
                                                                                     or told.lower() in NATO):
                return letter, j - i + 1
    return None


def _read(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """Characters meant by the token(s) at ``i`` and how many tokens they used; None if not code-like."""
    word = tokens[i].text
    lower = word.lower()
    if told := _spelling_word(tokens, i):
        return told
    if lower == "double" and i + 1 < len(tokens) and tokens[i + 1].text.lower() == "you":
        return "W", 2
    if lower in REPEATS and i + 1 < len(tokens):
        nxt = _read(tokens, i + 1)
        if nxt and len(nxt[0]) == 1 and nxt[1] == 1:
            return nxt[0] * REPEATS[lower], 2
        return None
    if lower in SEPARATOR_WORDS or word == "/":
        return "/", 1
    if lower in WEAK_ZEROS:  # not capitalised ("So four three..." starts a sentence); digits either side of
        # it and of any weak zeros beside it ("seven seven all all nine")
        lo, hi = i - 1, i + 1
        while lo > i - 3 and 0 <= lo and tokens[lo].text.lower() in WEAK_ZEROS and tokens[lo].text.islower():
            lo -= 1
        while hi < i + 3 and hi < len(tokens) and tokens[hi].text.lower() in WEAK_ZEROS and tokens[hi].text.islower():
            hi += 1
        return ("0", 1) if word.islower() and _digit_at(tokens, lo) and _digit_at(tokens, hi) else None
    if lower in SOUND_ALIKE_DIGITS:
        before, after = _digit_at(tokens, i - 1), _digit_at(tokens, i + 1)
        code = (before or _code_letter_at(tokens, i - 1)) and (after or _code_letter_at(tokens, i + 1))
        return (SOUND_ALIKE_DIGITS[lower], 1) if code and (before or after) else None
    if lower == "two" and i + 1 < len(tokens) and tokens[i + 1].text.lower() == "thousand":
        return _year_2000s(tokens, i)
    if lower in DIGIT_WORDS:
        if DIGIT_WORDS[lower] != "0" and i + 1 < len(tokens) and tokens[i + 1].text.lower() == "hundred":
            return DIGIT_WORDS[lower] + "00", 2  # "oh seven seven hundred, nine hundred, six five two"
        return DIGIT_WORDS[lower], 1
    if lower in TEENS:
        return TEENS[lower], 1
    if lower in TENS:
        if i + 1 < len(tokens) and tokens[i + 1].text.lower() in DIGIT_WORDS \
                and tokens[i + 1].text.lower() not in ("oh", "o", "zero", "nought", "nil") \
                and tokens[i + 1].start - tokens[i].end <= 1:
            return TENS[lower] + DIGIT_WORDS[tokens[i + 1].text.lower()], 2
        return TENS[lower] + "0", 1
    if word.isdigit():
        return word, 1
    if word.isalnum() and any(c.isdigit() for c in word):
        return word.upper(), 1  # BL1, 3PR, G1767ZZ, RY13
    if lower in NATO and any(_phonetic_or_digit(tokens, j) for j in (i - 1, i + 1)):
        return NATO[lower], 1
    if pair := letter_pair_at(tokens, i):
        return pair, 1
    if lower in LETTER_NAMES and not (word.isupper() and len(word) > 1):  # "EN" is E N; "en" is N
        return LETTER_NAMES[lower], 1
    if word.isalpha() and len(word) <= 3:
        # Lower-case words are letters unless they are words ("bd seven" is a postcode; "die" and "top" are not).
        if len(word) == 1 or word.isupper() or lower not in _FUNCTION_WORDS and not (
                len(word) == 3 and is_common_word(lower)):
            return word.upper(), 1
    return None


def _year_2000s(tokens: list[Token], i: int) -> tuple[str, int]:
    """ "two thousand", "two thousand and eight", "two thousand nineteen": a year of the 2000s, as digits."""
    used = 2
    if i + used < len(tokens) and tokens[i + used].text.lower() == "and":
        used += 1
    word = tokens[i + used].text.lower() if i + used < len(tokens) else ""
    if word in DIGIT_WORDS and word not in WEAK_ZEROS and DIGIT_WORDS[word] != "0":
        return "200" + DIGIT_WORDS[word], used + 1
    if word in TEENS:
        return "20" + TEENS[word], used + 1
    if word in TENS:
        unit = tokens[i + used + 1].text.lower() if i + used + 1 < len(tokens) else ""
        if unit in DIGIT_WORDS and DIGIT_WORDS[unit] != "0" and unit not in WEAK_ZEROS:
            return "20" + TENS[word] + DIGIT_WORDS[unit], used + 2
        return "20" + TENS[word] + "0", used + 1
    return "2000", 2


def read_letters(text: str) -> str:
    """The letters ``text`` spells when it is nothing but letters ("bee double you" -> "BW"), else ""."""
    tokens, letters, i = tokenize(text), "", 0
    while i < len(tokens):
        read = _read(tokens, i)
        if read is None and tokens[i].text.lower() in NATO:  # a phonetic word said alone ("Tango," "Yep.")
            read = NATO[tokens[i].text.lower()], 1
        if read is None or not read[0].isalpha():
            return ""
        letters += read[0]
        i += read[1]
    return letters


def _echo_end(text: str, tokens: list[Token], i: int, current: CodeRun) -> int | None:
    """Where an utterance that only echoes, as a question, the end of the run before it ends ("Five?"), as a
    token index; None when ``tokens[i]`` starts no such utterance."""
    line_start = text.rfind("\n", 0, tokens[i].start) + 1
    line_end = text.find("\n", tokens[i].start)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:tokens[i].start].strip() or not text[tokens[i].start:line_end].rstrip().endswith("?") \
            or text.count("\n", current.tokens[-1].end, line_start) != 1:
        return None
    chars, j = "", i
    while j < len(tokens) and tokens[j].start < line_end:
        read = _read(tokens, j)
        if read is None:
            return None
        chars += read[0]
        j += read[1]
    return j if chars and current.chars.endswith(chars) and j < len(tokens) else None


def code_runs(text: str, tokens: list[Token] | None = None, bridge: bool = False) -> list[CodeRun]:
    """Maximal stretches of code-like tokens separated only by spaces, punctuation or line breaks (``bridge``:
    or by utterances of interjections only, "... six eight..." "Yeah." "Kilo Romeo whiskey")."""
    tokens = tokens if tokens is not None else tokenize(text)
    runs: list[CodeRun] = []
    current: CodeRun | None = None
    echoed = False
    i = 0
    while i < len(tokens):
        if bridge and current is not None and (after := _echo_end(text, tokens, i, current)) is not None:
            i, echoed = after, True  # "D N fourteen, five" "Five?" "S W": the echo is no part of it
            continue
        read = _read(tokens, i)
        if read is None and current is not None and _THEN.match(text, tokens[i].start):
            i += 1  # "and then" between two pieces: the gap after the last piece spans it
            continue
        if read is None:
            bridged = _BRIDGED_GAP.match(text, current.tokens[-1].end) if bridge and current is not None else None
            if bridged is None or bridged.end() <= tokens[i].start:
                current = None
            i += 1
            continue
        chars, used = read
        group = tokens[i:i + used]
        merged = Token(group[0].start, group[-1].end, text[group[0].start:group[-1].end])
        gap = text[current.tokens[-1].end:merged.start] if current is not None else None
        joined = gap is not None and (_GAP.fullmatch(gap) is not None or bridge and _BRIDGED_GAP.fullmatch(gap) is not None
                                      or echoed and gap.count("\n") == 2)
        echoed = False
        if not joined:
            current = CodeRun([], "", [])
            runs.append(current)
        current.tokens.append(merged)
        current.chars += chars
        current.owner.extend([len(current.tokens) - 1] * len(chars))
        i += used
    return [r for r in runs if any(c.isdigit() for c in r.chars)]
