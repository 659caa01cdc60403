"""Structured UK identifiers: formats and check digits from the redaction catalogue (DESIGN.md).

Every detector runs on the compact form of spoken or written codes (:mod:`.spoken`), so "oh seven seven
double four..." and "07744..." are the same phone number, and "GL 39 75 31 C" is a NINO.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator

import phonenumbers

from .lexicons import PUBLIC_NUMBERS, is_common_word, places
from .names import is_street_word
from .spans import Document, Span, overlaps
from .spoken import DIGIT_WORDS, LETTER_NAMES, NATO, TEENS, TENS, WEAK_ZEROS, CodeRun

_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number (weights 10..2; 11 means 0; 10 is invalid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def pnc_valid(year: str, serial: str, letter: str) -> bool:
    """PNC ID check letter over the 2-digit year and the serial padded to 7 digits."""
    return len(serial) <= 7 and _CHECK_LETTERS[int(year[-2:] + serial.zfill(7)) % 23] == letter


def cro_valid(year: str, serial: str, letter: str) -> bool:
    """CRO number check letter over the 2-digit year and the serial padded to 6 digits."""
    return len(serial) <= 6 and _CHECK_LETTERS[int(year + serial.zfill(6)) % 23] == letter


_NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino_valid(code: str) -> bool:
    prefix = code[:2]
    return (prefix[0] not in "DFIQUV" and prefix[1] not in "DFIOQUV" and prefix not in _NINO_BAD_PREFIXES)


def phone_valid(digits: str) -> bool:
    """A UK number of a possible length and shape (libphonenumber, region GB).

    "Possible" rather than "valid": a number from an unallocated or reserved range (07700 900xxx) still
    identifies someone once said aloud, and a leak costs more than an extra redaction.
    """
    number = "+" + digits if digits.startswith("44") else digits
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return False
    return parsed.country_code == 44 and phonenumbers.is_possible_number(parsed)


# (label, compact-form regex, validator over the match) — tried on every code run.
_RULES: list[tuple[str, re.Pattern, Callable[[re.Match], bool]]] = [
    ("PNC_ID", re.compile(r"(\d{4}|\d{2})/?(\d{1,7})([A-Z])"),
     lambda m: ("/" in m.group() or len(m.group(2)) == 7) and pnc_valid(m.group(1), m.group(2), m.group(3))),
    ("CRO_NUMBER", re.compile(r"(\d{1,6})/?(\d{2})([A-Z])"),
     lambda m: ("/" in m.group() or len(m.group(1)) == 6) and cro_valid(m.group(2), m.group(1), m.group(3))),
    ("CRO_NUMBER", re.compile(r"SF(\d{2})/?(\d{1,6})([A-Z])"), lambda m: cro_valid(m.group(1), m.group(2), m.group(3))),
    ("NINO", re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]?"), lambda m: nino_valid(m.group())),
    ("NHS_NUMBER", re.compile(r"\d{10}"), lambda m: nhs_number_valid(m.group())),
    ("PHONE", re.compile(r"(?:44|0)\d{9,10}"), lambda m: phone_valid(m.group()) and m.group() not in PUBLIC_NUMBERS),
    ("PRISON_NUMBER", re.compile(r"[A-Z]\d{4}[A-Z]{2}"), lambda m: True),
    ("CRN", re.compile(r"[A-Z]\d{6}"), lambda m: True),
    ("VEHICLE_REG", re.compile(r"[A-Z]{2}\d{2}[A-Z]{3}"), lambda m: True),
    ("POSTCODE", re.compile(r"(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\d[A-Z]{2}"), lambda m: True),
]

# Bank details only count with a banking word nearby: 6- and 8-digit numbers are otherwise common.
_BANK_CONTEXT = re.compile(r"\b(sort\s*code|account|acc(?:ount)?\s*(?:no|number)|bank|banking|monzo|barclays|"
                           r"lloyds|natwest|santander|halifax|nationwide|hsbc|starling)\b", re.I)
_SORT_CODE = re.compile(r"\d{6}")
# Older plates still on the road, prefix ("R614 KHT", 1983-2001) and suffix ("ABJ 432T", 1963-1983): looser
# shapes, tried only where no catalogue format was found (a spelled name read with "O" as zero is none: no
# plate number starts with 0).
_OLD_PLATE = re.compile(r"[A-HJ-NP-Y][1-9]\d{0,2}[A-Z]{3}|[A-Z]{3}[1-9]\d{0,2}[A-HJ-NP-Y]")
_WRITTEN_SORT_CODE = re.compile(r"\b\d\d-\d\d-\d\d\b")  # "77-24-05": before any longer reading ("05, 44196372")
_ACCOUNT = re.compile(r"\d{8}")
_CONTEXT_WINDOW = 160  # characters before a number searched for context words (reaches the previous utterance)
# The last digits of a phone number ("the one ending double four seven", "does it still end 338?") identify it.
_TAIL_CUE = re.compile(r"\b(?:ending|ends?)(?:\s+(?:in|with|on))?[\s,]*$|\blast\s+(?:two|three|four|few|\d)\s+"
                       r"(?:digits|numbers)(?:\s+(?:are|is))?[\s,:]*$", re.I)
_PHONE_WORD = re.compile(r"\b(?:mobile|phone|landline|moby|(?:your|my|his|her|their|new|old|same)\s+number)\b", re.I)
_WORD_AFTER = re.compile(r"\s+(?!(?:yeah|or|and|is|isn't|innit|right|still)\b)[A-Za-z]")  # "ends in 12 minutes"


def _matches(run: CodeRun, pattern: re.Pattern, text: str) -> Iterator[tuple[re.Match, tuple[int, int]]]:
    """All token-aligned matches of ``pattern`` in a run, trying every token start.

    A match that goes on into another utterance takes whole pieces: it starts where its first utterance's
    piece starts and ends where its last one's ends. Someone continuing a number carries on from where they
    stopped; a reading that starts inside one piece and stops inside a read-back is no identifier
    ("double one, oh five, nine two" + "Seven three double one oh five nine two" is not a phone number)."""
    breaks = {k for k in range(len(run.tokens) - 1) if "\n" in text[run.tokens[k].end:run.tokens[k + 1].start]}
    starts = [i for i in range(len(run.chars)) if i == 0 or run.owner[i] != run.owner[i - 1]]
    for lo in starts:
        for m in _iter_at(pattern, run.chars, lo):
            span = run.span_of(m.start(), m.end())
            first, last = run.owner[m.start()], run.owner[m.end() - 1]
            crosses = any(first <= k < last for k in breaks)
            if span and (not crosses or ((first == 0 or first - 1 in breaks)
                                         and (last == len(run.tokens) - 1 or last in breaks))):
                yield m, span


def _iter_at(pattern: re.Pattern, chars: str, lo: int) -> Iterator[re.Match]:
    # Longest first: a match that ends on a token edge beats a shorter one that does not.
    for hi in range(len(chars), lo, -1):
        m = pattern.fullmatch(chars, lo, hi)
        if m:
            yield m


def _readings(run: CodeRun) -> list[CodeRun]:
    """The run as read, and, where a lone "O" was read as zero, with it as the letter ("F D seventy L M O")."""
    if not any(t.text in ("O", "o") for t in run.tokens):
        return [run]
    chars = "".join("O" if run.tokens[run.owner[k]].text in ("O", "o") else c for k, c in enumerate(run.chars))
    return [run, dataclasses.replace(run, chars=chars)]


def whole_format(chars: str) -> str | None:
    """The label of the catalogue format that ``chars`` (a compact run) is, whole and valid, if any."""
    for label, pattern, valid in _RULES:
        m = pattern.fullmatch(chars)
        if m and valid(m):
            return label
    return None


def find_identifiers(doc: Document) -> list[Span]:
    """Structured identifiers (NINO, NHS, PNC, CRO, prison number, CRN, phone, postcode, vehicle, bank)."""
    text = doc.text
    spans = [Span(m.start(), m.end(), "BANK_ACCOUNT", "format+context") for m in _WRITTEN_SORT_CODE.finditer(text)
             if _BANK_CONTEXT.search(text, max(0, m.start() - _CONTEXT_WINDOW), m.end() + _CONTEXT_WINDOW)]
    sort_codes = [(s.start, s.end) for s in spans]
    for run in doc.bridged_runs:
        # Every valid reading of the run; the longest wins ("oh seven five..." is a phone number, not the
        # 10-digit NHS number inside it), then the catalogue order.
        candidates = [(end - start, -rank, start, end, label)
                      for reading in _readings(run)
                      for rank, (label, pattern, valid) in enumerate(_RULES)
                      for m, (start, end) in _matches(reading, pattern, text) if valid(m)]
        taken = list(sort_codes)
        for _, _, start, end, label in sorted(candidates, reverse=True):
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            if label == "PHONE" and start > 0 and text[start - 1] == "+":
                start -= 1
            spans.append(Span(start, end, label, "format"))
        for _, (start, end) in _matches(run, _OLD_PLATE, text):
            if not any(start < b and a < end for a, b in taken) and _letters_said_as_letters(text[start:end]):
                spans.append(Span(start, end, "VEHICLE_REG", "format"))
                taken.append((start, end))
        context = _BANK_CONTEXT.search(text, max(0, run.tokens[0].start - _CONTEXT_WINDOW), run.tokens[-1].end)
        if context:
            for pattern in (_ACCOUNT, _SORT_CODE):
                for _, (start, end) in _matches(run, pattern, text):
                    if not any(start < b and a < end for a, b in taken):
                        spans.append(Span(start, end, "BANK_ACCOUNT", "format+context"))
                        taken.append((start, end))
    spans += _outward_codes(text, spans)
    return spans + _phone_tails(doc, spans) + find_emails(text)


# The first half of a postcode said alone ("that's all of OX4", "canal wharf wednesbury ws10"): one of the
# two-letter postcode areas, its district number, after a postcode or address word, a place word, or a town; a
# single-letter area (as often a road or a ward: "the M6", "ward B3") only straight after a street or a town
# ("sixty one hawthorne road b23", "halesowen b63").
_AREAS = ("AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY EC EH EN EX FK "
          "FY GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY LA LD LE LL LN LS LU ME MK ML NE NG NN NP NR "
          "NW OL OX PA PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB WA "
          "WC WD WF WN WR WS WV YO ZE").split()
_OUTWARD_CODE = re.compile(rf"(?<![\w'’-])(?i:(?P<area>{'|'.join(_AREAS)})|[BEGLMNSW])\d{{1,2}}(?![\w'’-])"
                           r"(?!\s*(?:mg|ml|g|kg|km|hp)\b)")
_BEFORE_OUTWARD = re.compile(r"\b(?:post\s*code|address)\b\??[^.?!]{0,80}$|\b(?:in|of|from|around|near|round)\s+$",
                             re.I)
_STREET_BEFORE = re.compile(r"\b(?!(?:the|a|an|this|that|our|your|my|his|her)\b)[a-z'’]+\s+(?P<street>[a-z]+)[\s,]*$", re.I)


def _outward_codes(text: str, found: list[Span]) -> list[Span]:
    spans = []
    for m in _OUTWARD_CODE.finditer(text):
        if overlaps(m.start(), m.end(), found):
            continue
        before = text[max(0, m.start() - 100):m.start()]
        word_before = re.search(r"([A-Za-z]+)[\s,]*$", before)
        town_before = word_before is not None and word_before.group(1).lower() in places()
        street = _STREET_BEFORE.search(before)
        if (town_before or (street is not None and is_street_word(street.group("street")))
                or (m.group("area") and _BEFORE_OUTWARD.search(before))):
            spans.append(Span(m.start(), m.end(), "POSTCODE", "format+context"))
    return spans


def _letters_said_as_letters(said: str) -> bool:
    """Capitals, or letters' names ("kay aitch tea", "kilo"): not a word in lower case ("0 min 12 s")."""
    return all(not w.islower() or len(w) == 1 or w in LETTER_NAMES or w in NATO for w in re.findall(r"[A-Za-z-]+", said))


def _phone_tails(doc: Document, found: list[Span]) -> list[Span]:
    """Two to four digits said as the end of a phone number."""
    text, spans = doc.text, []
    for run in doc.runs:
        start, end = run.tokens[0].start, run.tokens[-1].end
        if (2 <= len(run.chars) <= 4 and run.chars.isdigit() and _TAIL_CUE.search(text, max(0, start - 30), start)
                and _PHONE_WORD.search(text, max(0, start - 100), start) and not _WORD_AFTER.match(text, end)
                and not overlaps(start, end, found)):
            spans.append(Span(start, end, "PHONE", "format+context"))
    return spans


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
# Generic endings, and any two letters but a few words (a country's: "inbox dot lv", "wp dot pl").
_TLD_WORDS = r"(?:com|org|net|gov|nhs|info|biz|scot|wales|(?!(?:in|on|is|it|to|so|up|at|of|or|an|as|be|by|do|go|he|if|no|we)\b)[a-z]{2})"
# Number words ("or", "all", "owe", "so" only read as "oh" between digits elsewhere, so not here).
_NUMBER_WORD = "|".join([*(w for w in DIGIT_WORDS if w not in WEAK_ZEROS), *TEENS, *TENS, "double",
                         "treble", "triple", "hundred"])
# What people say about the mailbox name while reading it out: "jordan pryce ninety-nine, all one word, at ..."
_ASIDE = r",?\s+(?:all\s+(?:one\s+word|lower\s*case|small(?:\s+letters)?|together)|no\s+spaces?|one\s+word)\b,?"
_NUMBER_WORDS = frozenset(_NUMBER_WORD.split("|"))
_NUMBERS = r"(?:\d+|(?:" + _NUMBER_WORD + r")(?:[\s-](?:" + _NUMBER_WORD + r"))*)"
# "dot" in a domain, or the recogniser's "dock" for it ("calderdale dock gov dock uk")
_DOT = r"(?:dot|dock)"
# "dean dot wood at hotmail dot com", "k dawson 87 at icloud dot com", "kayleigh dot b ninety two at gmail.com",
# "bethan jones, all one word, eighty-eight at hotmail dot com" (a second word only before an aside or a
# number), the recogniser's "hat" for "at"
_SPOKEN_EMAIL = re.compile(
    r"(?<![\w'’])(?:(?:[a-z]\s+)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\s+(?:dot|underscore|dash|hyphen)\s+[a-z0-9]+|\s+(?:[a-z]|\d+|[a-z]+\d+|"
    r"(?:" + _NUMBER_WORD + r")(?:-(?:" + _NUMBER_WORD + r"))?)|\s+[a-z]{2,}(?=(?:\s+" + _NUMBERS + r")?" + _ASIDE
    + r"|\s+" + _NUMBERS + r"(?:" + _ASIDE + r")?\s+h?at\s)|" + _ASIDE + r")*)\s+h?at\s+"
    r"(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*\." + _TLD_WORDS + r"|"
    # a domain the recogniser wrote as two or three words: "sutcliffe family dot co dot uk"
    r"[a-z0-9]+(?:\s+[a-z0-9]+){0,2}(?:\s+" + _DOT + r"\s+[a-z0-9]+)*\s+" + _DOT + r"\s+" + _TLD_WORDS
    + r"(?:\s+" + _DOT + r"\s+" + _TLD_WORDS + r")*)\b", re.I)

# "send it to you at gmail dot com": a pronoun before "at" is no mailbox name.
_NOT_A_MAILBOX = frozenset("you me him her us them it that this one".split())
_LEADING_WORDS = frozenset("to is was it's its email my his her their your and so or the a an of on".split())


# A webmail provider after "at" is an address whatever else was misheard: "k mensah 84 at hotmail", "at g mail dot
# calm", "..., at proton dot me"; the domain is an address even said alone ("Yeah. At gmail dot com.").
_MAIL_DOMAIN = re.compile(
    r"(?<![\w'’])h?at\s+(?:g\s?mail|googlemail|hot\s?mail|yahoo|i\s?cloud|aol|bt\s?internet|ymail|"
    r"proton(?:\s?mail)?|(?:outlook|live|msn|sky|virgin(?:\s?media)?|talk\s?talk|mail)(?=\s+dot\b))"
    r"(?:\s+" + _DOT + r"\s+[a-z]{2,4}\b){0,3}", re.I)
_MAILBOX_JOINS = frozenset("dot underscore dash hyphen".split())
_MAILBOX_TOKEN = re.compile(r"(?<![\w'’.-])([a-z0-9]+(?:[.-][a-z0-9]+)*)([\s,]*)$", re.I)
MAILBOX_WORDS = 6  # a mailbox name before "at" is read back over at most this many words,
MAILBOX_CHARS = 60  # each looked for in this many characters before it


def _mailbox_start(text: str, at: int) -> int | None:
    """Where the mailbox name said just before ``at`` (an offset of "at") begins: letters, digits, number words,
    uncommon words and words joined by "dot" or "underscore", read back to the start of the sentence or a common
    word ("my email is k mensah 84 at ..."); None after a pronoun ("send it to him at gmail.com": no address)."""
    before = _MAILBOX_TOKEN.search(text, max(0, at - MAILBOX_CHARS), at)
    if before and before.group(1).lower() in _NOT_A_MAILBOX:
        return None
    start, words, joined = at, 0, False
    while words < MAILBOX_WORDS and (m := _MAILBOX_TOKEN.search(text, max(0, start - MAILBOX_CHARS), start)):
        word, gap = m.group(1), m.group(2)
        lower = word.lower()
        if "," in gap and start != at and not joined and is_common_word(lower):
            break  # "one, k mensah": a comma ends the name unless a join or an uncommon word carries it on
        if lower in _MAILBOX_JOINS:
            joined = True
        elif not (joined or len(word) == 1 or word.isdigit() or lower in _NUMBER_WORDS or not is_common_word(lower)):
            break
        else:
            joined = False
        if lower in _LEADING_WORDS or lower in _NOT_A_MAILBOX:
            break
        start, words = m.start(1), words + 1
    return start


def find_emails(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "EMAIL", "format") for m in _EMAIL.finditer(text)]
    for m in _SPOKEN_EMAIL.finditer(text):
        start = m.start()
        while (word := re.match(r"(\w+)[,\s]+", text[start:m.end()])) and word.group(1).lower() in _LEADING_WORDS:
            start += word.end()  # "to r patel 4 at ...": the mailbox name starts after "to"
        if text[start:m.end()].split()[0].lower() in _NOT_A_MAILBOX | {"at", "hat"}:
            continue
        if not overlaps(start, m.end(), spans):
            spans.append(Span(start, m.end(), "EMAIL", "spoken"))
    for m in _MAIL_DOMAIN.finditer(text):
        if (start := _mailbox_start(text, m.start())) is None:
            continue
        said = [s for s in spans if s.start < m.end() and start < s.end]  # merged into the one address
        spans = [s for s in spans if s not in said] + [
            Span(min([start, *(s.start for s in said)]), max([m.end(), *(s.end for s in said)]), "EMAIL", "spoken")]
    return spans
