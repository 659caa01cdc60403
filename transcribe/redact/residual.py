"""Identifiers no format rule explains, redacted by their shape.

The recogniser garbles identifiers: a digit dropped or doubled, a letter added, "so" heard for "oh", the
number said in pieces with "go on" in between. A garbled NINO fails its format and a garbled NHS number its
check digit, yet either still identifies someone. So, after the format rules (:mod:`.identifiers`):

- a stretch holding six or more digits (written, spoken or mixed, any separators) that is not an amount of
  money, a count with its unit, a written date or a public helpline becomes ``NUMBER``;
- a stretch with letters and at least four digits becomes ``ID``;
- either takes a format's label instead when it has that format's shape give or take one character
  (``NRR630891A`` and ``RY84257D`` read as NINOs, ``C3675590`` as a CRN);
- the pieces of an identifier said over several utterances, with an interjection, a repeat-back or a short
  aside between them, are joined first (up to three utterances on, whoever speaks), and pieces of an
  identifier found elsewhere in the same stretch of talk (the officer's read-back) take its label.

The leak check applies the same shapes to published text (:mod:`.leakcheck`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import DATE
from .identifiers import whole_format
from .lexicons import FILLERS, PUBLIC_NUMBERS, is_common_word
from .spans import STRUCTURED, Document, Span, overlaps
from .spoken import (
    LETTER_NAMES,
    LETTER_PAIRS,
    NATO,
    TEENS,
    TENS,
    WORDS_FOR_LETTERS,
    CodeRun,
    code_runs,
    read_letters,
)

MIN_DIGITS = 6  # a stretch with this many digits is an identifier unless shown otherwise
MIN_ID_DIGITS = 4  # with letters among them
MAX_JOINED_LINES = 3  # a number may continue this many utterances on
MAX_FILLER_WORDS = 6  # words (not code) allowed between two pieces of one number
FRAGMENT_WINDOW = 6  # utterances either side searched for pieces of an identifier found
NEXT_TO = 2  # letters said alone this close to an identifier belong to it even when it does not hold them
MAX_LETTER_PIECE = 3  # letters said one by one that may be a piece of an identifier (more spell a name)
# Shapes one character away from a catalogue format (checked on the compact form, '/' kept).
_NEAR = [
    ("NINO", re.compile(r"[A-Z]{2,3}\d{5,7}[A-D]?")),
    ("PRISON_NUMBER", re.compile(r"[A-Z]\d{3,5}[A-Z]{2,3}")),
    ("CRN", re.compile(r"[A-Z]\d{5,7}")),
    ("PNC_ID", re.compile(r"\d{2,4}/\d{4,8}[A-Z]")),
    ("CRO_NUMBER", re.compile(r"\d{4,7}/\d{1,3}[A-Z]")),
    ("PHONE", re.compile(r"0?7\d{8,10}|0[1-9]\d{8,10}|O7\d{8,10}")),
    ("NHS_NUMBER", re.compile(r"[1-9]\d{8,10}")),
]
# Two or three capitals said one by one; longer runs of single letters are a name spelled out ("P O P E S C U").
_LETTER_PIECE = re.compile(r"(?<![\w'’])[A-Z](?:[ ,.-]+[A-Z])*(?![\w'’])")
_PHONETIC_PIECE = re.compile(r"\b(?:" + "|".join(NATO) + r")(?:[ ,.-]+(?:" + "|".join(NATO) + r")){1,2}\b", re.I)
# Whole formats that pieces with a single digit or none may complete ("A six one four..." "eight H T").
_WHOLE_FORMAT = re.compile(r"[A-Z]\d{4}[A-Z]{2}|[A-Z]{2}\d{6}[A-D]|\d{2,4}/\d{1,7}[A-Z]|[A-Z]{2}\d{2}[A-Z]{3}|[A-Z]\d{6}")
# After a number: it counts something, or is money.
_UNIT_AFTER = re.compile(r"\s*(?:%|per\s*cent|percent|pounds?|quid|pence|p\b|k\b|grand|hours?|hrs?|minutes?|mins?|"
                         r"seconds?|days?|weeks?|months?|years?|miles?|metres?|meters?|km|mg|milligrams?|ml|"
                         r"millilitres?|grams?|kilos?|kg|people|times|sessions?|words?|calories|steps|followers|"
                         r"views|likes|digits|numbers|letters|characters)\b", re.I)
_MONEY_BEFORE = re.compile(r"[£$€]\s*$")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 12,500 or 1,250,000.00: an amount
_WRITTEN_DATE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}")
_WORD = re.compile(r"[A-Za-z']+")
# Pieces that are never part of an identifier: ordinals ("the 17th"), clock times ("11:15", "2.30").
NOT_A_PIECE = re.compile(r"\d{1,2}(?:st|nd|rd|th)|\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\b|\d{1,2}[:.]\d{2}", re.I)
_ONE_IN_PASSING = re.compile(r"\b(?:the|that|this|which|any|every|each|no)\s+$", re.I)  # "is that the one off my licence?"


def _digits(chars: str) -> int:
    return sum(c.isdigit() for c in chars)


@dataclass
class Pieces:
    """One number said in pieces (``runs``, in order), and the read-backs of a piece said between them
    (``echoes``: they take the number's label and add no characters)."""

    runs: list[CodeRun]
    echoes: list[CodeRun] = field(default_factory=list)
    skipped: list[CodeRun] = field(default_factory=list)  # echoes and asides since the last piece

    @property
    def chars(self) -> str:
        return "".join(r.chars for r in self.runs)


def join_pieces(text: str, runs: list[CodeRun]) -> list[Pieces]:
    """Runs grouped where one number goes on after an interjection or aside: consecutive pieces (runs cut at
    utterance breaks) whose gap crosses at most :data:`MAX_JOINED_LINES` utterance breaks and holds at most
    :data:`MAX_FILLER_WORDS` filler words, and crosses a break or holds at most three words (an aside inside
    one utterance). A read-back of the last piece ("Five eight three oh?") and a lone "one" in passing ("is
    that the one off my licence?") are stepped over; pieces read digit by digit go on after any short aside
    ("Hold on, my pen's died.")."""
    groups: list[Pieces] = []
    target: Pieces | None = None
    pieces_said = [piece for r in runs for piece in _cut_at_breaks(text, r)]
    for k, run in enumerate(pieces_said):
        if NOT_A_PIECE.fullmatch(text[run.tokens[0].start:run.tokens[-1].end]):
            target = None
            continue
        if target is not None:
            last = target.runs[-1]
            if "\n" in text[last.tokens[-1].end:run.tokens[0].start] and len(run.chars) >= 2 and (
                    run.chars in (last.chars, target.chars)):
                target.echoes.append(run)
                target.skipped.append(run)
                continue
            following = pieces_said[k + 1] if k + 1 < len(pieces_said) else None
            if _continues(text, target, run) or following is not None and _completes(text, target, run, following):
                target.runs.append(run)
                target.skipped.clear()
                continue
            if _ONE_IN_PASSING.search(text, max(0, run.tokens[0].start - 12), run.tokens[0].start) and \
                    len(run.tokens) == 1 and run.tokens[0].text.lower() == "one":
                target.skipped.append(run)
                continue
        target = Pieces([run])
        groups.append(target)
    return groups


def _cut_at_breaks(text: str, run: CodeRun) -> list[CodeRun]:
    """The run cut where it crosses from one utterance to the next."""
    cuts = [0] + [k + 1 for k in range(len(run.tokens) - 1)
                  if "\n" in text[run.tokens[k].end:run.tokens[k + 1].start]] + [len(run.tokens)]
    if len(cuts) == 2:
        return [run]
    parts = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        keep = [k for k, o in enumerate(run.owner) if lo <= o < hi]
        parts.append(CodeRun(run.tokens[lo:hi], "".join(run.chars[k] for k in keep), [run.owner[k] - lo for k in keep]))
    return [p for p in parts if any(c.isdigit() for c in p.chars)]


def _continues(text: str, target: Pieces, run: CodeRun) -> bool:
    """Whether ``run`` goes on with the number ``target`` holds so far."""
    last = target.runs[-1]
    gap = text[last.tokens[-1].end:run.tokens[0].start]
    for skipped in target.skipped:  # the words of a read-back or an aside stepped over are no gap words
        lo, hi = skipped.tokens[0].start - last.tokens[-1].end, skipped.tokens[-1].end - last.tokens[-1].end
        gap = gap[:lo] + " " * (hi - lo) + gap[hi:]
    gap_words = _WORD.findall(gap)
    words = len(gap_words)
    breaks = gap.count("\n")
    joined = target.chars + run.chars
    if breaks > MAX_JOINED_LINES or not _ends_open(text, last) or _UNIT_AFTER.match(text, run.tokens[-1].end):
        return False
    # Pieces that together make a whole identifier may have an aside between them: across utterances a
    # longer one ("E three oh five" ... "Hang on let me write it. Yeah." ... "eight seven one"), within one
    # as long as a filler ("S H two six, hang on, one one, nine zero, A").
    if _WHOLE_FORMAT.fullmatch(joined) or len(run.chars) > 1 and whole_format(joined):
        return words <= MAX_FILLER_WORDS * (2 if breaks else 1)
    if _digits(last.chars) < 2 or _digits(run.chars) < 2:
        return False
    if breaks and words <= MAX_FILLER_WORDS * 2 and _digit_by_digit(last) and _digit_by_digit(run):
        return True  # "Account five eight three oh" ... "Hold on, my pen's died." ... "two nine one seven."
    return (words <= MAX_FILLER_WORDS and (breaks or (words <= 3 and _digits(last.chars) >= 3))
            and all(w.lower() in FILLERS for w in gap_words))


def _completes(text: str, target: Pieces, run: CodeRun, following: CodeRun) -> bool:
    """Whether ``run`` and the piece after it complete a whole identifier, each after an aside no longer than
    a whole identifier's ("Oh seven eight one one, then, sorry, my thumb's over it, two six four, and nine oh
    three")."""
    joined = target.chars + run.chars + following.chars
    if not (_WHOLE_FORMAT.fullmatch(joined) or whole_format(joined)):
        return False
    return all(_ends_open(text, a) and len(_WORD.findall(gap := text[a.tokens[-1].end:b.tokens[0].start]))
               <= MAX_FILLER_WORDS * (2 if "\n" in gap else 1) and gap.count("\n") <= MAX_JOINED_LINES
               for a, b in ((target.runs[-1], run), (run, following)))


def _digit_by_digit(run: CodeRun) -> bool:
    """Three or more digits, each said on its own ("five eight three oh", "double two oh four")."""
    return _digits(run.chars) >= 3 and run.chars.isdigit() and all(
        len(_chars_of(run, k)) == 1 or t.text.lower().startswith(("double", "treble", "triple"))
        for k, t in enumerate(run.tokens))


def _ends_open(text: str, run: CodeRun) -> bool:
    """Whether a number may go on after this run (not closed by a unit, a question or money)."""
    after = text[run.tokens[-1].end:run.tokens[-1].end + 20]
    return not _UNIT_AFTER.match(after) and not after.lstrip().startswith("?")


def merged(runs: list[CodeRun]) -> CodeRun:
    """One run of several pieces (character owners renumbered)."""
    tokens, chars, owner = [], "", []
    for run in runs:
        offset = len(tokens)
        tokens += run.tokens
        chars += run.chars
        owner += [o + offset for o in run.owner]
    return CodeRun(tokens, chars, owner)


def pieces(text: str, start: int, end: int, runs: list[CodeRun]) -> list[tuple[int, int]]:
    """The parts of [start, end) that lie on the runs' own tokens (never the words between pieces)."""
    parts = []
    for run in runs:
        lo = max(start, run.tokens[0].start)
        hi = min(end, run.tokens[-1].end)
        if hi > lo:
            parts.append((lo, hi))
    return parts


def _near_label(chars: str) -> str | None:
    for label, pattern in _NEAR:
        if pattern.fullmatch(chars):
            return label
    return None


def excluded(text: str, start: int, end: int, chars: str) -> bool:
    """Money, a count with its unit, a written date, or a public helpline: not an identifier."""
    value = text[start:end]
    if _MONEY_BEFORE.search(text[max(0, start - 3):start]) or _UNIT_AFTER.match(text, end):
        return True
    if _THOUSANDS.fullmatch(value) or _WRITTEN_DATE.fullmatch(value):
        return True
    return chars.replace("/", "") in PUBLIC_NUMBERS


def _uncovered(run: CodeRun, taken: list[Span]) -> list[list[int]]:
    """Indices of the run's tokens not inside an already found span, in maximal consecutive groups."""
    groups: list[list[int]] = [[]]
    for i, token in enumerate(run.tokens):
        if overlaps(token.start, token.end, taken):
            groups.append([])
        else:
            groups[-1].append(i)
    return [g for g in groups if g]


def _shape(run: CodeRun, indices: list[int]) -> tuple[str, list[int]]:
    """Compact characters of the tokens ``indices`` with word-like tokens ("CRO", "NHS") trimmed off the
    ends; returns (chars, kept indices)."""
    def wordy(i: int) -> bool:
        chars = _chars_of(run, i)
        return chars.isalpha() and len(chars) >= 2

    while indices and wordy(indices[0]):
        indices = indices[1:]
    while indices and wordy(indices[-1]):
        indices = indices[:-1]
    return "".join(_chars_of(run, i) for i in indices), indices


def _chars_of(run: CodeRun, token: int) -> str:
    return "".join(c for c, o in zip(run.chars, run.owner, strict=True) if o == token)


def find_residual(doc: Document, taken: list[Span]) -> list[Span]:
    """``NUMBER``/``ID`` (or a near-miss format's label) for code-like stretches the format rules left."""
    text = doc.text
    spans: list[Span] = []
    # Ordinals and clock times are never part of an identifier ("the 9th, 11:15").
    # Letters a fragment took ("S E" of "S E nine one four six oh D") do not cut the stretch they start.
    blocked = [s for s in taken if s.detector != "fragment"]
    blocked += [Span(m.start(), m.end(), "") for m in re.finditer(r"\b(?:" + NOT_A_PIECE.pattern + r")\b", text, re.I)]
    for joined in join_pieces(text, doc.runs):
        found = len(spans)
        spans += _residual_of(text, joined.runs, blocked)
        if len(spans) > found:  # a read-back of a piece takes the number's label
            spans += [Span(e.tokens[0].start, e.tokens[-1].end, spans[-1].label, "shape") for e in joined.echoes]
    return spans


def _residual_of(text: str, group: list[CodeRun], blocked: list[Span]) -> list[Span]:
    """Spans for one number said in pieces: a whole format's label, else a near-miss's, ``ID`` or ``NUMBER``."""
    spans: list[Span] = []
    run = merged(group)
    label = whole_format(run.chars) if len(group) > 1 else None
    if label:  # pieces that together make one valid identifier: all of them take its label
        return [Span(lo, hi, label, "shape") for lo, hi in pieces(text, run.tokens[0].start, run.tokens[-1].end, group)]
    for indices in _uncovered(run, blocked):
        chars, indices = _shape(run, indices)
        if not indices:
            continue
        while indices and not _chars_of(run, indices[0])[:1].isalnum():
            indices = indices[1:]
        if not indices:
            continue
        start, end = run.tokens[indices[0]].start, run.tokens[indices[-1]].end
        digits = _digits(chars)
        letters = sum(c.isalpha() for c in chars)
        if digits < MIN_ID_DIGITS or (not letters and digits < MIN_DIGITS):
            owner = _joined_to(group, start, end, blocked) if digits >= 2 else None
            if owner:  # the rest of a number said in pieces, part of which was found ("seven three" ...)
                spans += [Span(lo, hi, owner.label, "shape") for lo, hi in pieces(text, start, end, group)]
            continue
        if excluded(text, start, end, chars):
            continue
        label = _near_label(chars) or ("ID" if letters else "NUMBER")
        if letters and label == "ID" and not _one_token_mixes(run, indices):
            # Letters only as separate words next to a short number ("A 48 3"): a mixed token is
            # needed, or six digits.
            if digits < MIN_DIGITS:
                continue
            label = "NUMBER"
            while indices and not any(c.isdigit() for c in _chars_of(run, indices[0])):
                indices = indices[1:]
            while indices and not any(c.isdigit() for c in _chars_of(run, indices[-1])):
                indices = indices[:-1]
            start, end = run.tokens[indices[0]].start, run.tokens[indices[-1]].end
        spans += [Span(lo, hi, label, "shape") for lo, hi in pieces(text, start, end, group)]
    return spans


def _joined_to(group: list[CodeRun], start: int, end: int, found: list[Span]) -> Span | None:
    """The structured identifier nearest [start, end) that pieces joined with it hold, if any."""
    if len(group) < 2:
        return None
    lo, hi = group[0].tokens[0].start, group[-1].tokens[-1].end
    inside = [s for s in found if s.label in STRUCTURED and lo <= s.start and s.end <= hi]
    return min(inside, key=lambda s: min(abs(s.start - end), abs(start - s.end)), default=None)


def _one_token_mixes(run: CodeRun, indices: list[int]) -> bool:
    return any(_digits(c := _chars_of(run, i)) >= 1 and any(ch.isalpha() for ch in c) for i in indices)


def find_fragments(doc: Document, found: list[Span], other: list[Span] = ()) -> list[Span]:
    """Pieces of an identifier found nearby: a run whose characters (three or more, digits among them)
    occur inside a found identifier said within :data:`FRAGMENT_WINDOW` utterances ("5 5 2" ... "2 7 3"
    before the read-back "552 273 1443"). Numbers inside ``other`` spans (addresses) or dates are none."""
    text = doc.text
    values = []
    for s in found:
        compact = "".join(r.chars for r in code_runs(text[s.start:s.end])).replace("/", "")
        if len(compact) >= MIN_ID_DIGITS:
            values.append((doc.locate(s.start)[0], compact, s.label))
    spans = _email_pieces(doc, [s for s in found if s.label == "EMAIL"])
    if not values:
        return spans
    # A date's year or a house number is no piece of a number ("the 4th of May 2015", "Flat 3, 22 Dickson Parade").
    said = [m.span() for m in DATE.finditer(text)] + [(s.start, s.end) for s in other]
    for run in doc.runs:
        for line, start, end, chars in _per_utterance(doc, run, found):
            if any(lo <= start and end <= hi for lo, hi in said):
                continue
            chars = chars.replace("/", "")
            # One digit is enough when the piece starts or ends the identifier ("W F one..." "... seven D").
            end_piece = _digits(chars) == 1 and len(chars) >= 2
            if not end_piece and (len(chars) < 3 or _digits(chars) < 2):
                continue
            # Beside a correction ("No, it's a four. One seven four."), a piece one character away counts too
            # (its digits without the letters of the words around them: "a" of "it's a four").
            corrected = not end_piece and _CORRECTION.search("\n".join(doc.texts[max(0, line - 1):line + 2])) \
                and not excluded(text, start, end, chars) and not _DECIMAL.search(text, start, end)  # "£4.60"
            core = re.sub(r"^[A-Z]+|[A-Z]+$", "", chars) if corrected else ""
            # ... or what follows the correction's sentence ("No wait, it's a two. Three seven two.")
            sentences = _SENTENCE_END.split(text[start:end]) if corrected else []
            tail = "".join(r.chars for r in code_runs(sentences[-1])) if len(sentences) > 1 else ""
            near = [(compact, label) for where, compact, label in values if abs(where - line) <= FRAGMENT_WINDOW]
            # the identifier holding the piece, else (beside a correction) one it is a character away from
            label = next((label for compact, label in near if (
                compact.startswith(chars) or compact.endswith(chars) if end_piece else chars in compact)), None)
            if label is None and corrected:
                label = next((label for compact, label in near if len(tail) >= 3 and tail in compact), None) or next(
                    (label for compact, label in near if _one_edit_inside(chars, compact) or any(
                        len(piece) >= 3 and _one_edit_inside(piece, compact) for piece in (core, tail))), None)
            if label is not None:
                spans.append(Span(start, end, label, "fragment"))
    # Letters alone: two or three capitals ("it starts P H...") inside an identifier found nearby, or an
    # utterance that is only letters ("W.", "bee double you.").
    # The flag: two or more letters said one by one (not a word such as "OK").
    letter_pieces = [(m.start(), m.end(), re.sub(r"[^A-Z]", "", m.group()), True)
                     for m in _LETTER_PIECE.finditer(text)
                     if 1 < len(m.group()) and sum(c.isalpha() for c in m.group()) <= MAX_LETTER_PIECE]
    letter_pieces += [(m.start(), m.end(), "".join(w[0].upper() for w in re.findall(r"[A-Za-z-]+", m.group())), True)
                      for m in _PHONETIC_PIECE.finditer(text)]  # "November Romeo... hang on"
    for line, utterance in enumerate(doc.texts):
        # The utterance, or a sentence opening it ("Letter?" "Tango. And the PNC's..."); or what goes on with a
        # code after a pause or "then it goes" ("prison number A five five one oh... it's loading... katie.").
        sentences = {(0, utterance, False), (0, re.split(r"(?<=[.!?])\s", utterance, maxsplit=1)[0], False)}
        pieces = re.split(r"(?:\.\.\.|…)\s*", utterance)
        if any(doc.starts[line] <= s.start < doc.starts[line] + len(pieces[0]) for s in found):
            sentences |= {(utterance.index(piece), piece, True) for piece in pieces[1:]}
        sentences |= {(m.start("rest"), m.group("rest"), True) for m in _GOES_ON_WITH.finditer(utterance)}
        # ... or two letters or more given after "it's" ("it's are why" next to a NINO said in pieces)
        sentences |= {(m.start("rest"), m.group("rest"), True) for m in _IT_IS.finditer(utterance)
                      if len(read_letters(m.group("rest"))) >= 2}
        # ... or a letter's name closing an identifier found in the utterance ("... three oh, and tea.", "four oh, you.")
        sentences |= {(m.start("rest"), m.group("rest"), True) for m in _CLOSED_WITH.finditer(utterance)
                      if overlaps(doc.starts[line] + m.start(), doc.starts[line] + m.start() + 1, found)}
        asked = line > 0 and _ASKS_LETTER.search(doc.texts[line - 1]) is not None
        for offset, sentence, goes_on in sentences:
            said = sentence.strip(" .,!?…-")
            letters = read_letters(said) if len(said) < 20 else ""
            if goes_on and not letters:
                letters = LETTER_PAIRS.get(said.lower(), "")  # "Then it goes tidy."
            if asked and not letters:
                letters = WORDS_FOR_LETTERS.get(said.lower(), "")  # "And the letter?" "Be."
            if 1 <= len(letters) <= 3:
                start = doc.starts[line] + offset + sentence.index(said)
                # Letters said one by one, or the answer to "Letter?" ("Tango."), or going on with a code:
                # beside an identifier, its own.
                one_by_one = len(letters) > 1 and len(_WORD.findall(said)) == len(letters) or goes_on or asked
                letter_pieces.append((start, start + len(said), letters, one_by_one))
    # One character put right by its place or against the wrong one ("No, five at the end, not six", "the last
    # letter's a D", "Thirteen, not thirty.").
    for m in _PLACED_PIECE.finditer(text):
        said = m.group(m.lastgroup)
        number = TEENS.get(said.lower()) or (TENS[said.lower()] + "0" if said.lower() in TENS else None)
        # a number of two digits only where an identifier nearby holds it ("Thirteen, not thirty." by "SE13 6TB")
        letter_pieces.append((*m.span(m.lastgroup), number or said, number is None))
    # Letters asked about or put right ("Was that a B or a D?", "Or is it a bee?", "It ends in a vee, not a bee.").
    for m in _LETTER_ASKED.finditer(text):
        letter_pieces += [(*m.span(g), read_letters(m.group(g)), True) for g in ("letter", "other", "end", "wrong")
                          if m.group(g)]
    for start, end, letters, one_by_one in letter_pieces:
        line = doc.locate(start)[0]
        for where, compact, label in values:
            # Inside an identifier said nearby, or said alone next to one (a correction: "there's two letters
            # at the front" "Oh yeah, P H").
            letter_of_digits = letters.isalpha() and letters.isupper() and label in _DIGITS_ONLY
            if abs(where - line) <= FRAGMENT_WINDOW and letters in compact or (
                    one_by_one and abs(where - line) <= NEXT_TO and not letter_of_digits):
                if not overlaps(start, end, found) and not overlaps(start, end, spans):
                    spans.append(Span(start, end, label, "fragment"))
                break
    return spans


_DECIMAL = re.compile(r"\d\.\d")
_SENTENCE_END = re.compile(r"(?<![.…])[.!?]\s")  # not a pause ("XXX... double X")
_GOES_ON_WITH = re.compile(r"(?:^|[.!?]\s+)(?:and\s+)?then(?:\s+it\s+(?:goes|ends(?:\s+in|\s+with)?|'s))?[,\s]+"
                           r"(?P<rest>[^.!?]+)", re.I)
_IT_IS = re.compile(r"^(?:it's|its|it\s+is)[,\s]+(?P<rest>[^.!?]+)", re.I)
_TEEN_OR_TENS = "(?:" + "|".join((*TEENS, *TENS)) + ")"
_ONE_CHARACTER = r"(?:[A-Z]|\d|zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|" + "|".join(NATO) + ")"
_PLACED_PIECE = re.compile(
    rf"(?<![\w'’])(?:an?\s+)?(?P<piece>{_ONE_CHARACTER})[,\s]+(?:at|on)\s+the\s+(?:end|start|front|beginning)\b"
    rf"(?!\s+of\b)|\b(?:last|first)\s+(?:one|digit|letter|number|character)(?:'s|\s+is|\s+should\s+be|\s+was)\s+"
    rf"(?:an?\s+)?(?P<last>{_ONE_CHARACTER})\b"
    # ... or against the wrong reading ("Thirteen, not thirty.", "It's a B, not a D")
    rf"|(?<![\w'’])(?:an?\s+)?(?P<not>{_ONE_CHARACTER}|{_TEEN_OR_TENS})[,\s]+not\s+(?:an?\s+)?(?:{_ONE_CHARACTER}|"
    rf"{_TEEN_OR_TENS})\b", re.I)
# Letters whose names are not everyday words, or capitals (not "I", "A"): what a question about a letter names.
_A_LETTER = r"(?:[B-HJ-Z]\b|(?i:" + "|".join(w for w in LETTER_NAMES if not is_common_word(w)) + r")\b)"
_WAS_IT_A = r"\b(?i:was|is)\s+(?:it|that)\s+(?:an?\s+)?"  # "was it a", "is that"
_ASKS_LETTER = re.compile(r"\b(?i:letters?|suffix|prefix)\b[^.!?]*\?|" + _WAS_IT_A + _A_LETTER + r"[^.!?]*\?")
_LETTER_ASKED = re.compile(
    _WAS_IT_A + r"(?P<letter>" + _A_LETTER + r")(?:\s+or\s+(?:an?\s+)?(?P<other>"
    + _A_LETTER + r"))?\s*\?|\b(?i:ends?|ending|finish(?:es)?)\s+(?i:in|with)\s+(?:an?\s+)?(?P<end>" + _A_LETTER
    + r")(?:,?\s+not\s+(?:an?\s+)?(?P<wrong>" + _A_LETTER + r"))?")
# The end of an utterance reading a code: a letter's name after a comma or "and" that follows a code word.
_CLOSED_WITH = re.compile(r"(?:\d|\b(?i:zero|oh|one|two|three|four|five|six|seven|eight|nine|won|ate|tree)|\b[B-HJ-Z])\s*"
                          r"(?:,\s*(?:and\s+)?|\s+and\s+)(?P<rest>[A-Za-z]+)[.!…]*\s*$")
_DIGITS_ONLY = frozenset(("PHONE", "NHS_NUMBER", "BANK_ACCOUNT", "DATE_OF_BIRTH"))  # no letter belongs to them
# A correction beside a piece of an identifier: the piece may be a wrong reading or the corrected one.
_CORRECTION = re.compile(r"\b(?:no|nope|not|sorry|missed|wrong|meant|mean|should\s+be|just\s+the\s+one|only\s+one|"
                         r"it's\s+an?\s+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|[A-Z]))\b", re.I)


def _one_edit_inside(piece: str, value: str) -> bool:
    """Whether ``piece`` is one substitution, insertion or deletion away from a stretch of ``value``."""
    def one_edit(a: str, b: str) -> bool:
        if len(a) == len(b):
            return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
        short, long_ = sorted((a, b), key=len)
        return any(long_[:k] + long_[k + 1:] == short for k in range(len(long_)))

    n = len(piece)
    return any(one_edit(piece, value[k:k + size]) for size in (n - 1, n, n + 1) if size > 0
               for k in range(len(value) - size + 1))


# A mailbox name said before its address ("M, C, underscore, leary," ... "mc underscore leary ... at hotmail").
_EMAIL_PIECE = re.compile(r"(?<![\w'’])(?:[a-z0-9]+[ \t,]+){0,3}(?:underscore|dot|dash|hyphen)(?:[ \t,]+[a-z0-9]+){1,3}",
                          re.I)


def _email_pieces(doc: Document, emails: list[Span]) -> list[Span]:
    """Pieces of an email address found nearby: words joined by "underscore" or "dot" that the address holds."""
    addresses = [(doc.locate(e.start)[0], e, {w.lower() for w in _WORD.findall(doc.text[e.start:e.end])})
                 for e in emails]
    spans = []
    for m in _EMAIL_PIECE.finditer(doc.text) if emails else ():
        line = doc.locate(m.start())[0]
        words = {w.lower() for w in _WORD.findall(m.group()) if len(w) >= 3} - {"underscore", "dot", "dash", "hyphen"}
        if not overlaps(m.start(), m.end(), emails) and any(abs(where - line) <= FRAGMENT_WINDOW and words & held
                                                             for where, _, held in addresses):
            spans.append(Span(m.start(), m.end(), "EMAIL", "fragment"))
    return spans


def _per_utterance(doc: Document, run: CodeRun, found: list[Span]) -> list[tuple[int, int, int, str]]:
    """The run cut at utterance breaks and at tokens already found ("20-45-77" after an account number
    took its "20"): (utterance, start, end, compact characters) per piece."""
    parts: list[tuple[int, list[int]]] = []
    for i, token in enumerate(run.tokens):
        if overlaps(token.start, token.end, found):
            parts.append((-1, []))
            continue
        line = doc.locate(token.start)[0]
        if not parts or parts[-1][0] != line:
            parts.append((line, []))
        parts[-1][1].append(i)
    return [(line, run.tokens[ix[0]].start, run.tokens[ix[-1]].end, "".join(_chars_of(run, i) for i in ix))
            for line, ix in parts if ix]
