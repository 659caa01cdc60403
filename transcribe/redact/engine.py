"""Combine detectors, resolve overlaps, spread names found once to every mention, number placeholders."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from ..options import RedactionOptions
from ..records import Redaction, Segment
from .dates import find_dates_of_birth
from .identifiers import find_identifiers
from .lexicons import FILLERS, FUNCTION_WORDS, is_common_word, is_decoy_word
from .name_model import NAME_MODEL, NameModel, load_name_model
from .names import (
    SPOKEN_NUMBER_WORDS,
    VENUE_WORDS,
    extend_compound_places,
    find_people_and_places,
    is_street_word,
    join_name_particles,
    sounds_like_a_street_type,
)
from .readout import find_read_backs, find_read_out, stays_readable
from .residual import find_fragments, find_residual
from .spans import PLACEHOLDER_WORDS, PRIORITY, STRUCTURED, Document, Span
from .tagger import TAGGER, Tagger, load_tagger


@dataclass
class RedactionResult:
    """Redacted texts and the redaction log (offsets into the original texts, never the values)."""

    texts: list[str]
    redactions: list[Redaction]


def _unclaimed(learned: list[Span], resolved: list[Span], is_kept, text: str) -> list[Span]:
    """The learned spans that overlap nothing found already and are not kept by the policy."""
    return [s for s in learned if not is_kept(text[s.start:s.end], s.label)
            and not any(r.start < s.end and s.start < r.end for r in resolved)]


def _trimmed(text: str, span: Span) -> Span | None:
    """A learned name or place without the lower-case words of grammar and the punctuation at its edges ("Barrow,
    in" -> "Barrow"); None when nothing else is left ("at" of a misheard "Ebenezer at Demisoy"). Other labels as
    they are."""
    if span.label not in ("PERSON", "LOCATION"):
        return span
    words = [m for m in re.finditer(r"[\w']+", text[span.start:span.end]) if m.group() not in FUNCTION_WORDS]
    if not words:
        return None
    return Span(span.start + words[0].start(), span.start + words[-1].end(), span.label, span.detector)


_GUESSED = ("DATE_OF_BIRTH", *STRUCTURED)  # the tagger's labels the rules' knowledge of what stays readable checks


def _outside(text: str, learned: list[Span], resolved: list[Span]) -> list[Span]:
    """What of the learned spans lies outside every span found already and still says something (a digit,
    letters said one by one, a word that is not a common one): "dn for nine b z" of "row dn for nine b z" where
    "14 brickfield row" is an address."""
    out = []
    for s in learned:
        clash = [r for r in resolved if r.start < s.end and s.start < r.end]
        out += [Span(lo, hi, s.label, s.detector) for lo, hi in _left_over(text, s, clash)] if clash else [s]
    return out


def _word_pattern(value: str, case_sensitive: bool) -> re.Pattern:
    return re.compile(r"(?<![\w])" + re.escape(value) + r"(?![\w])", 0 if case_sensitive else re.I)


def _normalise(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


class Redactor:
    """Finds and replaces identifiers in a transcript's utterances. Stateless between calls."""

    def __init__(self, policy: RedactionOptions | None = None, today: date | None = None,
                 model_root: Path | None = None):
        self.policy = policy or RedactionOptions()
        self.today = today
        self.model_root = model_root
        self._kept = {_normalise(n) for name in self.policy.keep_names for n in [name, *name.split()] if n}

    @cached_property
    def name_model(self) -> NameModel:
        """The learned name tagger, from ``model_root`` (default: the settings' model cache).

        Raises:
            ModelError: it is not installed (``transcribe models install``) or its files changed.
        """
        from ..models import resolve_model_dir
        from ..settings import Settings

        root = self.model_root if self.model_root is not None else Settings().model_dir
        return load_name_model(resolve_model_dir(root, NAME_MODEL, "name recognition"))

    @cached_property
    def tagger(self) -> Tagger:
        """The redaction tagger trained on the tuning sets, from ``model_root`` (default: the model cache).

        Raises:
            ModelError: it is not installed (``transcribe models install``), is stale, or its files changed.
        """
        from ..models import resolve_model_dir
        from ..settings import Settings

        root = self.model_root if self.model_root is not None else Settings().model_dir
        return load_tagger(resolve_model_dir(root, TAGGER, "redaction tagger"))

    def warm_up(self) -> None:
        """Load spaCy, the learned models and the word lists now rather than on the first transcript."""
        self.redact(["Warm up with Kacper in Leeds on 07700 900123."])

    # -- detection -------------------------------------------------------------------------------------------
    def detect(self, doc: Document) -> list[Span]:
        """Resolved, non-overlapping spans over ``doc.text``, in text order."""
        text = doc.text
        # The learned models run in C without the GIL: beside the rules, they take what CPU the rules leave.
        with ThreadPoolExecutor(2) as pool:
            tagging = pool.submit(self.tagger.find, doc)
            naming = pool.submit(self.name_model.find, doc) if {"PERSON", "LOCATION"} & self.policy.labels else None
            found = find_identifiers(doc) + find_dates_of_birth(text, self.today) + find_people_and_places(text)
            tagger_spans, names = tagging.result(), naming.result() if naming else []
        for term in self.policy.deny_list:
            if term.strip():
                found += [Span(m.start(), m.end(), "CUSTOM", "deny-list")
                          for m in _word_pattern(term.strip(), False).finditer(text)]
        found = [s for s in found if s.label in self.policy.labels or s.label == "CUSTOM"]
        found = [s for s in found if not self._is_kept(text[s.start:s.end], s.label)]
        resolved = _resolve(found, text)
        # The learned models' names, places and dates of birth where no rule found anything; the tagger's
        # identifiers come after the rules for pieces and shapes, which know their formats and what stays.
        tagged = [s for s in tagger_spans if s.label in self.policy.labels
                  and not (s.label in _GUESSED and stays_readable(doc, s))]
        learned = [s for s in tagged if s.label not in STRUCTURED] + [s for s in names if s.label in self.policy.labels]
        learned = [t for t in (_trimmed(text, s) for s in learned) if t]
        resolved = _resolve(resolved + _unclaimed(learned, resolved, self._is_kept, text), text)
        resolved = _resolve(resolved + self._propagate(text, resolved), text)
        whole_names = extend_compound_places(text, resolved) + join_name_particles(text, resolved)
        resolved = _resolve(resolved + whole_names, text)
        # Then what the rules missed: pieces of identifiers found nearby, then anything shaped like one.
        allowed = self.policy.labels

        def fragments(spans: list[Span]) -> list[Span]:
            return [s for s in find_fragments(doc, [s for s in spans if s.label in STRUCTURED],
                                              [s for s in spans if s.label == "ADDRESS"]) if s.label in allowed]

        resolved = _resolve(resolved + fragments(resolved), text)
        resolved = _resolve(resolved + [s for s in find_residual(doc, resolved) if s.label in allowed], text)
        resolved = _resolve(resolved + [s for s in find_read_out(doc, resolved) if s.label in allowed], text)
        resolved = _resolve(resolved + find_read_backs(doc, resolved), text)
        resolved = _resolve(resolved + _outside(text, [s for s in tagged if s.label in STRUCTURED], resolved), text)
        resolved = _resolve(resolved + fragments(resolved), text)  # pieces of what the shapes found ("9884" after "076 773")
        return _join_address_parts(text, resolved)

    def _is_kept(self, value: str, label: str) -> bool:
        """A name (of a person, a place or an address) people said to keep: the officer's own, or a wrong
        redaction undone."""
        return label in ("PERSON", "LOCATION", "ADDRESS") and _normalise(value) in self._kept

    def _propagate(self, text: str, spans: list[Span]) -> list[Span]:
        """Every other mention of a name or place found once (a name said clearly once, mumbled later)."""
        extra = []
        seen = set()
        for s in spans:
            if s.label == "ADDRESS":
                extra += _street_mentions(text, text[s.start:s.end], seen)
            if s.label not in ("PERSON", "LOCATION", "CUSTOM"):
                continue
            value = text[s.start:s.end]
            candidates = [value] + [w for w in re.split(r"[\s,]+", value) if len(w) >= 3]
            if s.label == "LOCATION" and 2 <= len(value.split()) <= 3 and len(value.replace(" ", "")) >= 6:
                candidates.append(value.replace(" ", ""))  # "Skip ton" said once, "skipton" later
            spelled = re.sub(r"[^A-Za-z]", "", re.sub(r"double\s+([A-Za-z])", r"\1\1", value, flags=re.I)) \
                if s.detector == "spelled" else None
            if spelled:  # "S-M-I-T-H" also hides "smith" said elsewhere, in any case
                candidates.append(spelled)
            for candidate in candidates:
                key = (candidate.lower(), s.label)
                if key in seen or is_decoy_word(candidate) or _normalise(candidate) in self._kept:
                    continue
                if candidate != value and (candidate.lower() in VENUE_WORDS or is_common_word(candidate) and (
                        candidate.islower() or s.label == "LOCATION")):
                    continue  # "the" of "the Sun Inn", "Are" of "We Are With You", "Pharmacy" are not names
                seen.add(key)
                # Common words ("Will", "Hope") only where capitalised as here; rare ones in any case.
                case_sensitive = is_common_word(candidate) and candidate != spelled
                for m in _word_pattern(candidate, case_sensitive).finditer(text):
                    extra.append(Span(m.start(), m.end(), s.label, "propagated"))
        return extra

    # -- replacement -----------------------------------------------------------------------------------------
    def redact(self, texts: list[str]) -> RedactionResult:
        """Redact utterance texts as one transcript; placeholders are consistent across it."""
        doc = Document(texts)
        spans = self.detect(doc)
        placeholders = _Placeholders()
        per_segment: dict[int, list[tuple[int, int, str, str]]] = {}
        for span in spans:
            value = doc.text[span.start:span.end]
            placeholder = placeholders.get(span.label, value)
            for index, lo, hi in doc.split(span):
                per_segment.setdefault(index, []).append((lo, hi, span.label, placeholder))
        redacted, log = [], []
        for index, original in enumerate(texts):
            parts, cursor = [], 0
            for lo, hi, label, placeholder in sorted(per_segment.get(index, [])):
                parts.append(original[cursor:lo])
                # A span continuing from the previous utterance keeps one placeholder per utterance.
                parts.append(placeholder)
                cursor = hi
                log.append(Redaction(segment=index, start=lo, end=hi, label=label, placeholder=placeholder))
            parts.append(original[cursor:])
            redacted.append("".join(parts))
        return RedactionResult(redacted, log)


class _Placeholders:
    """``[PERSON 1]``, ``[PERSON 2]``...: one number per distinct value and label, in order of appearance.

    A single name that is part of a full name seen before ("Demi" after "Demi Ackroyd") shares its number.
    """

    def __init__(self):
        self.by_key: dict[tuple[str, str], str] = {}
        self.counts: dict[str, int] = {}
        self.full_names: dict[str, str] = {}  # word -> placeholder of the multi-word name containing it

    def get(self, label: str, value: str) -> str:
        key = (label, _normalise(value))
        if key in self.by_key:
            return self.by_key[key]
        words = [_normalise(w) for w in value.split()]
        if label == "PERSON" and len(words) == 1 and words[0] in self.full_names:
            placeholder = self.full_names[words[0]]
        else:
            self.counts[label] = self.counts.get(label, 0) + 1
            placeholder = f"[{PLACEHOLDER_WORDS[label]} {self.counts[label]}]"
        self.by_key[key] = placeholder
        if label == "PERSON" and len(words) > 1:
            for w in words:
                self.full_names.setdefault(w, placeholder)
        return placeholder


# How much a detector's word counts when labels tie (a venue shape beats a name lexicon hit).
_DETECTOR_RANK = {"format": 3, "format+context": 3, "deny-list": 3, "fragment": 2, "shape": 1, "venue": 2, "address": 2, "cue": 2,
                  "spelled": 2, "place+preposition": 2, "ner": 1, "gazetteer": 1, "lexicon": 0, "propagated": 0}


def _street_mentions(text: str, address: str, seen: set) -> list[Span]:
    """Other mentions of an address's street without its number ("twenty-two Lister Street" ... "still at lister
    street"; "Ashgrove Clothes" heard right later as "ashgrove close"): its distinctive name, in any case, with
    the street word after it. ``seen``: (word, word after) already looked for."""
    words = re.findall(r"[A-Za-z'’]+", address)
    found = []
    for i, word in enumerate(words):
        lower = word.lower()
        said_after = words[i + 1].lower() if i + 1 < len(words) else ""
        if len(word) < 4 or is_common_word(lower) or is_decoy_word(lower) or is_street_word(lower) \
                or i == len(words) - 1 and sounds_like_a_street_type(lower) \
                or lower in SPOKEN_NUMBER_WORDS or lower in ("flat", "apartment", "number") or (lower, said_after) in seen:
            continue
        seen.add((lower, said_after))
        for m in re.finditer(rf"\b{re.escape(word)}\b(?:\s+(?P<type>[A-Za-z]+))?", text, re.I):
            kind = (m.group("type") or "").lower()
            end = m.end() if kind and (is_street_word(kind) or kind == said_after) else m.start() + len(word)
            found.append(Span(m.start(), end, "ADDRESS", "propagated"))
    return found


def _resolve(spans: list[Span], text: str) -> list[Span]:
    """Non-overlapping spans: higher label priority, then surer detector, then longer; same-label overlaps merge.
    What a span of another label leaves of a weaker one stays redacted ("C dot M" an email's,
    "C L E O D" still a name's), from its first to its last word character."""
    accepted: list[Span] = []
    order = sorted(spans, key=lambda s: (-PRIORITY[s.label], -_DETECTOR_RANK.get(s.detector, 0),
                                         -(s.end - s.start), s.start))
    for s in order:
        clash = [a for a in accepted if a.start < s.end and s.start < a.end]
        if not clash:
            accepted.append(s)
        elif all(a.label == s.label for a in clash):
            for a in clash:
                accepted.remove(a)
            accepted.append(Span(min([s.start] + [a.start for a in clash]), max([s.end] + [a.end for a in clash]),
                                 s.label, s.detector))
        else:
            accepted += [Span(lo, hi, s.label, s.detector) for lo, hi in _left_over(text, s, clash)]
    return sorted(accepted, key=lambda s: s.start)


def _left_over(text: str, span: Span, taken: list[Span]) -> list[tuple[int, int]]:
    """The stretches of ``span`` outside every ``taken`` span, utterance by utterance, trimmed to word
    characters, that still say something: a digit, letters said one by one, or a word that is neither a common
    one ("Doctor") nor an interjection ("Yep.")."""
    out, lo = [], span.start
    for t in sorted(taken, key=lambda t: t.start) + [Span(span.end, span.end, "")]:
        for piece in re.finditer(r"\w(?:[^\n]*\w)?", text[lo:max(lo, min(t.start, span.end))]):
            words = re.findall(r"\w+", piece.group())
            if any(c.isdigit() for c in "".join(words)) or sum(len(w) == 1 for w in words) >= 2 or any(
                    len(w) > 1 and not is_common_word(w.lower()) and w.lower() not in FILLERS for w in words):
                out.append((lo + piece.start(), lo + piece.end()))
        lo = max(lo, t.end)
    return out


_ADJACENT = re.compile(r"[ \t]*,?[ \t]*")


def _join_address_parts(text: str, spans: list[Span]) -> list[Span]:
    """One address for its parts said in a row: "Flat 9" + "Tamworth House" + "112 Rye Lane" (a building's
    name counts only between two address parts; the town after an address stays a place of its own)."""
    out: list[Span] = []
    i = 0
    while i < len(spans):
        span = spans[i]
        j = i
        while span.label == "ADDRESS" and j + 1 < len(spans):
            nxt = spans[j + 1]
            if nxt.label == "LOCATION" and j + 2 < len(spans) and spans[j + 2].label == "ADDRESS" \
                    and _ADJACENT.fullmatch(text, nxt.end, spans[j + 2].start):
                step = 2
            elif nxt.label == "ADDRESS":
                step = 1
            else:
                break
            if not _ADJACENT.fullmatch(text, spans[j].end, nxt.start):
                break
            j += step
        out.append(span if j == i else Span(span.start, spans[j].end, "ADDRESS", span.detector))
        i = j + 1
    return out


def redact_segments(redactor: Redactor, segments: list[Segment]) -> list[Redaction]:
    """Fill each segment's ``redacted_text``; return the redaction log (offsets into each ``text``)."""
    result = redactor.redact([s.text for s in segments])
    for segment, redacted in zip(segments, result.texts, strict=True):
        segment.redacted_text = redacted
    return result.redactions


def transcript_originals(segments: list[Segment], redactions: list[Redaction]) -> list[tuple[str, str]]:
    """(label, original value) of every redaction, read back from the unredacted text (for the leak check)."""
    return sorted({(r.label, segments[r.segment].text[r.start:r.end]) for r in redactions})
