"""Pieces of an identifier being read out after it was named, though never said whole.

People read identifiers off cards, letters and screens in bits: "Prison number starts A forty-four, I think."
"A four four?" "Then seven one, no, one seven, and the letters at the end are ... C for Charlie, K for kilo."
No piece has a format, and the whole is never said, so neither the format rules nor the shapes see it. Once an
identifier has been named ("prison number", "the reg", "sort code"), every code-like piece said in the next few
utterances is a piece of it: digits said as digits or numbers, letters said alone, by name ("are tea") or with
a spelling word ("C for Charlie"). Money, counts with their unit, clock times, ordinals, dates and public
helplines are not pieces. The stretch ends a few utterances after the last piece, or where another identifier
is named.
"""

from __future__ import annotations

import re

from ..vocabulary import ORDINAL_WORDS_PATTERN
from .dates import A_YEAR, DATE
from .lexicons import PUBLIC_NUMBERS, is_common_word
from .residual import NOT_A_PIECE, excluded
from .spans import Document, Span, overlaps
from .spoken import (
    DIGIT_WORDS,
    LETTER_NAMES,
    LETTER_PAIRS,
    NATO,
    TEENS,
    TENS,
    WEAK_ZEROS,
    Token,
    letter_pair_at,
    tokenize,
)

NUMBER_WORDS = [*DIGIT_WORDS, *TEENS, *TENS, "hundred", "thousand"]

# What names an identifier, and the label its pieces take.
_CUES = [(label, re.compile(r"\b(?:" + words + r")\b", re.I)) for label, words in [
    ("PRISON_NUMBER", r"prison(?:er)?\s+(?:number|no)|inmate\s+number"),
    ("NINO", r"national\s+insurance|n\.?\s?i\.?\s+number|nino|NI"),
    ("NHS_NUMBER", r"NHS\s+number|nhs\s+no"),
    ("PNC_ID", r"PNC"),
    ("CRO_NUMBER", r"CRO"),
    ("CRN", r"CRN|case\s+(?:number|reference|ref)|(?:probation|delius)\s+(?:number|reference|ref)"),
    ("VEHICLE_REG", r"reg|registration|number\s*plate|plates?|van|car|vehicle|motorbike"),
    ("EMAIL", r"e-?mail(?:\s+address)?"),
    ("NUMBER", r"number(?:'s)?"),  # "What number should they use?", "Number's A ate ate"
    ("POSTCODE", r"post\s*code"),
    ("ADDRESS", r"address"),  # the code read out after an address is its postcode (see _cues)
    ("BANK_ACCOUNT", r"sort\s*code|account(?:\s+number)?|bank\s+details"),
    ("PHONE", r"phone|mobile|landline|moby|contact\s+number|(?:ring|call|text)\s+(?:you|me|him|her|them)\s+on"),
]]
OPENS_FOR = 3  # utterances after the cue (and after each piece) in which pieces are looked for
# An identifier named just after its pieces were read ("A one nine... five four easy. That's my prison number",
# "Oh seven nine... right, that's my new mobile"): it takes the pieces of that utterance and the one before.
_NAMED_AFTER = re.compile(r"\b(?:that's|that\s+is|that\s+was|it's|this\s+is)\s+(?:my|the|his|her|their|your)\s+"
                          r"(?:(?:new|old|own|current)\s+)?$", re.I)
_CLOCK = re.compile(r"\d{1,2}[ap]m", re.I)  # "9am"
_CLOCK_LETTERS = re.compile(r"\b[ap] m\b")  # "11 p.m." read as tokens
_OCLOCK = re.compile(r"\s*o'?\s?clock\b", re.I)
_YEAR = re.compile(r"(?:19[3-9]|20[0-3])\d")  # "back in 2019": a year said alone
# The rest of an amount or a count: "three hundred [and eighty pound]", "Sixteen [mil]".
_AMOUNT_AFTER = re.compile(r"(?:[\s-]+(?:and|to|or|" + "|".join(NUMBER_WORDS) + r")){0,3}\s*(?:pounds?|quid|pence|p\b|grand|"
                           r"mils?\b|ml\b|mg\b|milligrams?|(?:an?|per)\s+(?:hour|week|month|day|fortnight)|working\s+days|"
                           r"(?:years?|months?)\s+old)", re.I)
_SPELLED = re.compile(r"\b[A-Za-z]\s+(?:for|as\s+in|like)\s+([A-Za-z]{3,})")  # group 1: the word spelling it
# Sound-alikes of digits and letters, letters that are also words, and "one": code only beside a code word.
_DIGIT_SOUNDS = frozenset("one to for won ate tree free oh o nought".split()) | WEAK_ZEROS
_WEAK = _DIGIT_SOUNDS | frozenset("are you see sea why be bee tea eye queue cue pea a".split()) | frozenset(
    w for w in LETTER_NAMES if is_common_word(w))
_JOIN = frozenset("double treble triple and then".split())
_NEVER_AT_EDGE = frozenset({"a", "I", "and", "then", "be", *WEAK_ZEROS})  # "21 or", "2025, so"
# Parts of an email address read out: "dot steel", "at hotmail dot co dot uk", "lee dot brannigan".
_NAME_PART = r"(?!(?:in|on|at|the|and|is|it|of|to|a)\b)[a-z0-9]+"
# A mailbox name said with what people say about it: "agnieszkakowalczyk, no dots, all one word".
_EMAIL_WORDS = re.compile(r"\b(?:h?at\s+)?" + _NAME_PART + r"(?:\s+(?:dot|underscore|dash)\s+" + _NAME_PART + r")+\b|"
                          r"\b(?:dot|underscore)\s+" + _NAME_PART + r"\b|"
                          r"\b(?!(?:no|dots|spaces|all|one|word|lower|case|that|yeah|yes|it|its|is|was|this|so)\b)"
                          + _NAME_PART
                          + r"(?=,?\s+(?:(?:all\s+)?one\s+word|no\s+(?:dots|spaces)|all\s+lower\s*case)\b)",
                          re.I)
_CLOCK_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|"
                         r"\b(?:at|about|around|gone|by|till|until|before|after|from|was)\s+(?:one|two|three|four|five|six|seven|eight|"
                         r"nine|ten|eleven|twelve)[\s-](?:fifteen|thirty|forty[\s-]five)\b(?!\s*[,-]?\s*(?:oh|one|two|"
                         r"three|four|five|six|seven|eight|nine|double)\b)|"  # "it was nine fifteen we only had a coke"
                         r"\b(?:quarter|half|five|ten|twenty|twenty-five)\s+(?:to|past)\s+\w+|"
                         r"\b(?:for|at|by|till|until)\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                         r"twelve)\b(?!\s*[,-]?\s*(?:oh|one|two|three|four|five|six|seven|eight|nine|double)\b)|"
                         # a time after a day or a date: "Monday, ten", "the 2nd of the 5th, ten thirty"
                         r"(?:\b\w+day|\d(?:st|nd|rd|th)),\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                         r"eleven|twelve)\b(?:\s+(?:fifteen|thirty|forty-five))?", re.I)
_MONEY = re.compile(r"[£$€]\s?\d[\d,]*(?:\.\d+)?")


def _cues(doc: Document) -> list[tuple[int, int, str]]:
    """(offset, utterance, label) of every identifier named, in text order. "NI" and "CRO" count in capitals
    only; "number" alone only outside or after another name ("prison number", "PNC number")."""
    named = [(m.start(), m.end(), label) for label, pattern in _CUES for m in pattern.finditer(doc.text)
             if m.group().isupper() or len(m.group()) > 3 or label not in ("NINO", "CRO_NUMBER")]
    cues = sorted((start, doc.locate(start)[0], label) for start, end, label in named
                  if not any(a <= start and end <= b and (a, b) != (start, end) for a, b, _ in named)
                  and not (label == "NUMBER" and any(0 <= start - b <= 2 for _, b, _ in named)))  # "PNC number"
    # "address" is the postcode's cue, unless an email was named just before ("Can you email me? What's the address?")
    return sorted([(start, line, "POSTCODE") for start, line, label in cues if label == "ADDRESS"
                   and not any(other == "EMAIL" and 0 <= line - at <= 1 and s < start for s, at, other in cues)]
                  + [cue for cue in cues if cue[2] != "ADDRESS"])


def find_read_out(doc: Document, found: list[Span]) -> list[Span]:
    """Spans for the pieces of identifiers read out after being named (see the module's notes)."""
    cues = _cues(doc)
    if not cues:
        return []
    text = doc.text
    said = [m.span() for pattern in (DATE, _CLOCK_TIME, _MONEY) for m in pattern.finditer(text)]
    pieces = [(start, end, False) for line in range(len(doc.texts)) for start, end in _pieces(doc, line)]
    pieces += [(m.start(), m.end(), True) for m in _EMAIL_WORDS.finditer(text)]  # only where an email was named
    spans: list[Span] = []
    for start, end, email in sorted(pieces, key=lambda p: (p[0], -p[1])):  # the longest reading of a stretch first
        label = _open_label(cues, found + spans, doc, start) or _named_after(cues, doc, start)
        if not label or email and label != "EMAIL" or any(lo < end and start < hi for lo, hi in said):
            continue
        # An email's words are one piece, a name the tagger found in them included ("kezza dot holt").
        for lo, hi in [(start, end)] if email else _outside(text, start, end, _not_spelling_words(text, start, end, found)):
            if not overlaps(lo, hi, [s for s in spans if s.label != label]):  # the same label's merge later
                spans.append(Span(lo, hi, label, "read out"))
    return spans


def _not_spelling_words(text: str, start: int, end: int, found: list[Span]) -> list[Span]:
    """``found`` without the names that spell a letter in [start, end) ("P for Peter": a letter, not a person)."""
    spelling = [m.span(1) for m in _SPELLED.finditer(text, start, end)]
    return [s for s in found if not (s.label in ("PERSON", "LOCATION") and (s.start, s.end) in spelling)]


def _outside(text: str, start: int, end: int, found: list[Span]) -> list[tuple[int, int]]:
    """The parts of [start, end) that no found span covers, without the spaces and commas at their edges."""
    parts, lo = [], start
    for s in sorted((s for s in found if s.start < end and start < s.end), key=lambda s: s.start):
        parts.append((lo, s.start))
        lo = max(lo, s.end)
    if lo == start:
        return [(start, end)]
    parts.append((lo, end))
    out = []
    for a, b in parts:  # what is left beside a found span ("W" taken as a name): enough code, or a letter
        tokens = tokenize(text[a:b])
        items = [item for item in _items(tokens) if item[2]]
        if items and (_enough_code(tokens, items) or [kind for _, _, kind in items] == ["letter"]):
            out.append((a + tokens[0].start, a + tokens[-1].end))
    return out


def _pieces(doc: Document, line: int) -> list[tuple[int, int]]:
    """Stretches of one utterance that read as a piece of a code: code words (digits, numbers, letters, their
    sound-alikes) joined by spaces, commas or dashes, at least one of them unambiguous ("to four ate", "are dee
    you", "H for hotel"; not "are you" or "to"), and not money, a count, a year or "oh" alone."""
    utterance, base = doc.texts[line], doc.starts[line]
    tokens = tokenize(utterance)
    items = _items(tokens)
    out = []
    k = 0
    while k < len(items):
        if items[k][2] == "":
            k += 1
            continue
        group = [items[k]]
        while k + 1 < len(items) and items[k + 1][2] and _joined(utterance, tokens[items[k][1]], tokens[items[k + 1][0]]):
            k += 1
            group.append(items[k])
        k += 1
        while group and (group[0][2] == "join" or tokens[group[0][0]].text in _NEVER_AT_EDGE | {"to", "for"}
                         or tokens[group[0][0]].text.lower() in NATO and group[0][2] == "weak"):
            group = group[1:]
        while group and (group[-1][2] == "join" or tokens[group[-1][1]].text in _NEVER_AT_EDGE
                         or tokens[group[-1][1]].text.lower() in NATO and group[-1][2] == "weak"):
            group = group[:-1]
        while len(group) > 1 and _loose_letter(tokens, group[0]) and _loose_letter(tokens, group[1]) is False:
            group = group[1:]  # "you two": a word that sounds like a letter beside a number
        if len(group) > 2 and [tokens[a].text.lower() for a, _, _ in group[-2:]] == ["you", "see"]:
            group = group[:-2]  # "after four, you see": the words, not U C
        while len(group) > 1 and _loose_letter(tokens, group[-1]) and _loose_letter(tokens, group[-2]) is False \
                and not _closing_letters(utterance, tokens, group[-1:]):
            group = group[:-1]
        if not group:
            continue
        first, last = tokens[group[0][0]], tokens[group[-1][1]]
        start, end = base + first.start, base + last.end
        digits = [t for a, b, _ in group for t in tokens[a:b + 1] if _read_token(t.text).isdigit()]
        if _not_a_piece(doc.text, start, end, tokens[group[0][0]:group[-1][1] + 1]):
            continue
        if len(group) == 1 and not _SPELLED.fullmatch(doc.text, start, end):
            # One number or letter: only said on its own ("Yeah, fifty-one.", "No, D.", "was it a B?"), or a
            # number of four digits or more; a letter spelled ("H for hotel") anywhere
            if not (_said_alone(doc.text, start, end) or len(first.text) >= 4 and first.text.isdigit()):
                continue
            if group[0][2] == "weak" and not digits:
                continue  # "Why." is a question
        if len(group) > 1 and not (_enough_code(tokens, group) or _closing_letters(utterance, tokens, group)):
            continue
        out.append((start, end))
    return out


# Letters' names that are common words only beside other words: at the end of a list they close a code.
_CLOSING = frozenset(w for w, letter in LETTER_NAMES.items() if letter not in "UYA")  # not "you", "why", "ay"


def _closing_letters(utterance: str, tokens: list[Token], items: list[tuple[int, int, str]]) -> bool:
    """Letters' names ending an utterance's list of pieces after a comma ("... eight one, hang on, it's
    smudged, are tea.", "six one four, and tea."): the last letters of the code, not words."""
    first, last = tokens[items[0][0]], tokens[items[-1][1]]
    return all(t.text.lower() in _CLOSING for a, b, _ in items for t in tokens[a:b + 1]) \
        and re.fullmatch(r"[.!…]*\s*", utterance[last.end:]) is not None \
        and re.search(r"(?:,|\band)\s*$", utterance[:first.start]) is not None


def _enough_code(tokens: list[Token], items: list[tuple[int, int, str]]) -> bool:
    """A digit, number, letter's name or spelled letter among them, or two letters said alone, or letters
    and sound-alikes of digits three or more together: not "to" or "one H" said in passing; "K X", "S and B",
    "A one oh", "oh won, to ate"."""
    kinds = [kind for _, _, kind in items]
    sounds = sum(kind == "weak" and tokens[a].text.lower() in _DIGIT_SOUNDS for a, _, kind in items)
    return "strong" in kinds or kinds.count("letter") + sounds >= 2 + (sounds > 0)


def _items(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """The code words of ``tokens``: (first token, last token, kind of code word: see :func:`_code_word`)."""
    items, i = [], 0
    while i < len(tokens):
        used, kind = _code_word(tokens, i)
        items.append((i, i + used - 1, kind))
        i += used
    return items


def _code_word(tokens: list[Token], i: int) -> tuple[int, str]:
    """(tokens used, kind) of the code word at ``i``: "strong" (a digit or number, a letter's name, a
    spelling-alphabet word, a letter spelled "H for hotel"), "letter" (a capital said alone), "weak" (a
    sound-alike: "to", "for", "won", "ate", "tree", "are", "you", "see", "why", "oh", "so", "one"...), "join"
    ("double", "and", "then"), or "" (any other word)."""
    word = tokens[i].text
    lower = word.lower()
    if len(word) == 1 and word.isalpha() and i + 2 < len(tokens):
        link = tokens[i + 1].text.lower()
        target = tokens[i + 2].text if link != "as" else (tokens[i + 3].text if i + 3 < len(tokens) else "")
        named = LETTER_NAMES.get(target.lower()) == word.upper()  # "C, like see"
        if link in ("for", "as", "like") and (len(target) >= 3 and target[0].lower() == lower or named) and (
                link != "as" or tokens[i + 2].text.lower() == "in"):
            return (4 if link == "as" else 3), "strong"  # "H for hotel", "M as in mother"
    if lower in ("double", "treble", "triple") and i + 1 < len(tokens) and (
            tokens[i + 1].text.lower() in _DIGIT_SOUNDS or lower == "double" and tokens[i + 1].text.lower() == "you"):
        return 2, "strong"  # "double you", "double to", "double oh"
    if word.isdigit() or (word.isalnum() and any(c.isdigit() for c in word) and not NOT_A_PIECE.fullmatch(word)):
        return 1, "strong"
    if word == "A":
        return 1, "letter"  # "It's A ten": the article only when no number follows
    if lower in _WEAK:
        return 1, "weak"
    if lower in DIGIT_WORDS or lower in TEENS or lower in TENS or lower in ("hundred", "thousand"):
        return 1, "strong"
    if lower in NATO:  # a letter beside another spelling-alphabet word; "a golf" is a car
        beside = any(0 <= j < len(tokens) and tokens[j].text.lower() in NATO for j in (i - 1, i + 1))
        return 1, "strong" if beside else "weak"
    if lower in LETTER_NAMES or letter_pair_at(tokens, i) or len(tokens) == 1 and lower in LETTER_PAIRS:
        return 1, "strong"  # ("Tidy?": two letters echoed alone)
    if len(word) == 1 and word.isupper():
        return 1, "letter"
    if len(word) == 1 and word.isalpha() and lower not in "ai" and not _CLOCK_LETTERS.search(
            " ".join(t.text.lower() for t in tokens[max(0, i - 1):i + 2])) and (any(
            0 <= j < len(tokens) and len(tokens[j].text) == 1 and tokens[j].text.isalpha() for j in (i - 1, i + 1))
            or i + 1 < len(tokens) and _read_token(tokens[i + 1].text).isdigit()):
        return 1, "letter"  # letters said one by one, or before a number, in lower case ("g b u", "s five")
    if lower in _JOIN:
        return 1, "join"
    return 1, ""


def _loose_letter(tokens: list[Token], item: tuple[int, int, str]) -> bool | None:
    """True for a word that only sounds like a letter ("you", "are"), False for a digit or number, None else."""
    word = tokens[item[0]].text.lower()
    if item[2] == "weak" and word not in _DIGIT_SOUNDS:
        return True
    return False if _read_token(tokens[item[0]].text).isdigit() else None


def _joined(utterance: str, left: Token, right: Token) -> bool:
    """Two code words of one piece: only spaces, commas or dashes between them."""
    return re.fullmatch(r"[\s,\-–—]*", utterance[left.end:right.start]) is not None


def _open_label(cues: list[tuple[int, int, str]], spans: list[Span], doc: Document, start: int) -> str | None:
    """The label of the identifier being read out at ``start``: the last one named before it, while no more
    than :data:`OPENS_FOR` utterances have passed since it was named or since its last piece."""
    before = [(offset, where, label) for offset, where, label in cues if offset < start]
    if not before:
        return None
    offset, where, label = before[-1]
    line = doc.locate(start)[0]
    # pieces the shapes found count; a piece said over several utterances counts from its last
    last_piece = max((doc.locate(s.end - 1)[0] for s in spans if offset < s.start < start
                      and s.label in (label, "NUMBER", "ID")), default=where)
    return label if line - last_piece <= OPENS_FOR else None


def _named_after(cues: list[tuple[int, int, str]], doc: Document, start: int) -> str | None:
    """The label of an identifier named after the piece at ``start``, in its utterance or the next, by "that's
    my ..." (see :data:`_NAMED_AFTER`)."""
    line = doc.locate(start)[0]
    return next((label for offset, where, label in cues if offset > start and where - line in (0, 1)
                 and _NAMED_AFTER.search(doc.text, max(0, offset - 40), offset)), None)


# Someone's age: a number under a hundred after who it is ("she's seventy-five", "you're 22 now").
_AGE_BEFORE = re.compile(r"\b(?:(?:he|she|i|you|they|we)(?:'s|’s|'m|’m|'re|’re|\s+is|\s+am|\s+are)|aged|"
                         r"(?:hes|shes|im|youre|theyre))\s+$", re.I)  # (the recogniser drops the apostrophe too)
_AGE = re.compile(r"\d{1,2}|(?:" + "|".join(TENS) + r")(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|"
                  + "|".join((*TEENS, "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")), re.I)
_MORE_CODE = re.compile(r"[\s,-]*(?:\d|[A-Z]\b|(?:oh|double|zero)\b)")


def _not_a_piece(text: str, start: int, end: int, tokens: list[Token]) -> bool:
    """A clock time, an ordinal, a year said alone, money or a count ("three hundred and eighty pound", "Sixteen
    mil"), a public helpline, or "oh" said as a word ("Oh, OK")."""
    said = text[start:end]
    if NOT_A_PIECE.fullmatch(said) or _YEAR.fullmatch(said) or _OCLOCK.match(text, end) or any(
            NOT_A_PIECE.fullmatch(t.text) or _CLOCK.fullmatch(t.text) for t in tokens):
        return True
    if len(tokens) == 1 and tokens[0].text.lower() in ("oh", "o"):
        return True
    if _an_age(text, start, end):
        return True
    chars = "".join(_read_token(t.text) for t in tokens)
    return excluded(text, start, end, chars) or bool(_AMOUNT_AFTER.match(text, end))


def _an_age(text: str, start: int, end: int) -> bool:
    """"She's seventy-five.", "He's 28, I'm thirty-five"."""
    return bool(_AGE_BEFORE.search(text, max(0, start - 16), start) and _AGE.fullmatch(text, start, end)
                and not _MORE_CODE.match(text, end))


def _read_token(word: str) -> str:
    """Rough characters of one token, enough to tell digits from letters."""
    lower = word.lower()
    if word.isdigit() or any(c.isdigit() for c in word):
        return word
    for table in (DIGIT_WORDS, TEENS):
        if lower in table:
            return table[lower]
    if lower in TENS:
        return TENS[lower] + "0"
    if lower in ("hundred", "thousand", "double", "treble", "triple"):
        return "0"
    return word[:1].upper()


def _said_alone(text: str, start: int, end: int) -> bool:
    """A short number or a letter between punctuation or utterance edges ("Yeah, fifty-one. And C", "Six.",
    "No, D.", "Then D."), or a letter after "a" ("was it a B?")."""
    if end - start == 1 and re.search(r"\b(?:is|was|it's)\s+(?:it\s+)?an?\s$", text[max(0, start - 12):start], re.I) \
            and text[end:end + 1] in ("?", "."):
        return True
    after = text[end:end + 1]
    before = text[max(0, start - 9):start]
    return (start == 0 or before.endswith("\n") or bool(re.search(r"(?:[,.?!…;:]|\b(?:then|and))\s*$", before, re.I))) \
        and (after in ("", "\n") or after in ",.?!…;:")


# Identifiers with letters in them, whose letters are read back ("is that why ex?"); an email's letters are words.
_LETTERED = frozenset(("NINO", "PNC_ID", "CRO_NUMBER", "PRISON_NUMBER", "CRN", "POSTCODE", "VEHICLE_REG", "ID"))
# Letters' names that are everyday words in pairs ("are you", "see you", "why are"): never a read-back alone.
_EVERYDAY_LETTER_WORDS = frozenset("are you see sea why be bee tea eye oh o a i for to".split())


def _read_back(word: str) -> str | None:
    """The characters one token stands for when letters and digits are read back: "why" Y, "ex" X, "d" D, "4",
    "easy" EZ."""
    lower = word.lower()
    if len(word) == 1 and word.isalnum():
        return word.upper()
    return LETTER_NAMES.get(lower) or NATO.get(lower) or DIGIT_WORDS.get(lower) or LETTER_PAIRS.get(lower)


def find_read_backs(doc: Document, found: list[Span]) -> list[Span]:
    """Letters of an identifier said back within a few utterances of it ("y x four three two three six eight d"
    "is that why x" "yeah why ex"): a stretch of letters and digits by name, two or more with a letter among them
    and not only everyday words, whose characters run on inside the identifier's. It takes the identifier's label."""
    spans: list[Span] = []
    for ident in (s for s in found if s.label in _LETTERED):
        said = "".join(c for t in tokenize(doc.text[ident.start:ident.end]) if (c := _read_back(t.text)))
        if len(said) < 4:
            continue
        line = doc.locate(ident.end - 1)[0]
        for after in range(line, min(line + OPENS_FOR + 1, len(doc.texts))):
            utterance, base = doc.texts[after], doc.starts[after]
            tokens = [t for t in tokenize(utterance) if base + t.start >= ident.end]
            i = 0
            while i < len(tokens):
                j = i
                while j < len(tokens) and _read_back(tokens[j].text) and (
                        j == i or _joined(utterance, tokens[j - 1], tokens[j])):
                    j += 1
                run = tokens[i:max(j, i + 1)]
                chars = "".join(_read_back(t.text) or "" for t in run)
                if len(chars) >= 2 and chars in said and any(c.isalpha() for c in chars) \
                        and not all(t.text.lower() in _EVERYDAY_LETTER_WORDS for t in run):
                    spans.append(Span(base + run[0].start, base + run[-1].end, ident.label, "read back"))
                i = max(j, i + 1)
    return spans


_SAYS_A_NUMBER = re.compile(rf"\d|\b(?:{ORDINAL_WORDS_PATTERN}|"
                          + "|".join((*(w for w in DIGIT_WORDS if w not in WEAK_ZEROS), *TEENS, *TENS)) + r")\b", re.I)
_SPELLS = re.compile(r"@|\b(?:dot|underscore|dash|hyphen|at|" + "|".join(NATO) + r")\b", re.I)
_LONG_PUBLIC_NUMBERS = tuple(n for n in PUBLIC_NUMBERS if len(n) >= 6)  # inside a longer stretch too
_SOUNDS_OF_CODE = _DIGIT_SOUNDS | frozenset((*DIGIT_WORDS, *TEENS, *TENS, *LETTER_NAMES, *_JOIN))  # "ate", "double"
_RUN_TOGETHER = re.compile("(?:" + "|".join(sorted((*DIGIT_WORDS, *TEENS, *TENS), key=len, reverse=True)) + "){2,}",
                           re.I)  # "foursixty"
MIN_CODE = 2  # characters of code (digits, letters said alone) a learned guess at an identifier must hold


def stays_readable(doc: Document, span: Span) -> bool:
    """Whether a learned guess at a date of birth or an identifier is what the rules keep readable on purpose: a
    clock time, money, a count, an age, a year or a lone number, a public helpline, a date the date rules read and
    did not take for a date of birth (an appointment, a hearing), a year alone (the date rules judge those), or
    words holding no number (a date of birth: "year", "April Fool's") or fewer than :data:`MIN_CODE` characters of
    code, spelling or email words (an identifier: "go on", "a white polo", "which one"). An identifier is judged
    with the code-like stretch it is part of (the tagger's "seven" of "oh seven seven..." is a piece of a phone)."""
    text, value = doc.text, doc.text[span.start:span.end]
    runs = [r for r in doc.runs if r.tokens[0].start < span.end and span.start < r.tokens[-1].end]
    start = min([span.start] + [r.tokens[0].start for r in runs])
    end = max([span.end] + [r.tokens[-1].end for r in runs])
    near = max(0, start - 40), min(len(text), end + 40)
    if any(m.start() < span.end and span.start < m.end()
           and all(m.start() <= r.tokens[0].start and r.tokens[-1].end <= m.end() for r in runs)  # not "dn for nine b z"
           for pattern in (_CLOCK_TIME, _MONEY) for m in pattern.finditer(text, *near)):
        return True
    if any(number in r.chars for r in runs for number in _LONG_PUBLIC_NUMBERS):
        return True
    if span.label == "DATE_OF_BIRTH":
        return (not _SAYS_A_NUMBER.search(value) or bool(A_YEAR.fullmatch(value)) or _an_age(text, span.start, span.end)
                or any(m.start() < span.end and span.start < m.end() for m in DATE.finditer(text, *near)))
    if any(excluded(text, r.tokens[0].start, r.tokens[-1].end, r.chars) for r in runs) \
            or _not_a_piece(text, start, end, tokenize(text[start:end])):
        return True
    return max(_code_said(value), sum(len(r.chars) for r in runs)) < MIN_CODE and not _SPELLS.search(value)


def _code_said(value: str) -> int:
    """Characters of code said in ``value``, counting words the code reader takes only beside other code
    ("ate", "to") and numbers run together ("foursixty": two)."""
    def count(word: str) -> int:
        if _RUN_TOGETHER.fullmatch(word):
            return 2
        return int(word.lower() in _SOUNDS_OF_CODE or len(word) == 1 or word.isdigit())
    return sum(count(t.text) for t in tokenize(value))
