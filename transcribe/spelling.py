"""British spelling for English transcripts: Whisper writes American ("license", "center", "mom", "behavior"),
and a probation note says "licence", "jobcentre", "mum", "behaviour". Only words with one meaning are changed
("check", "tire", "meter" are left alone)."""

from __future__ import annotations

import re

_STEMS = {
    "license": "licence", "center": "centre", "neighbor": "neighbour", "neighborhood": "neighbourhood",
    "behavior": "behaviour", "color": "colour", "favorite": "favourite", "honor": "honour", "labor": "labour",
    "rumor": "rumour", "humor": "humour", "mom": "mum", "mommy": "mummy", "counselor": "counsellor",
    "offense": "offence", "defense": "defence", "program": "programme", "theater": "theatre", "gray": "grey",
    "jewelry": "jewellery", "pajamas": "pyjamas", "aluminum": "aluminium", "skeptical": "sceptical",
    "cozy": "cosy", "mold": "mould", "fulfill": "fulfil", "enroll": "enrol", "jobcenter": "jobcentre",
}
_SUFFIXED = {
    "counseling": "counselling", "counseled": "counselled", "traveled": "travelled", "traveling": "travelling",
    "canceled": "cancelled", "canceling": "cancelling", "labeled": "labelled", "practicing": "practising",
    "practiced": "practised",
}
# -ize/-yze verbs: apologize, realized, organizing, recognizes, criticize, analyze...
_IZE = re.compile(r"^(apolog|real|organ|recogn|critic|emphas|priorit|summar|minim|maxim|stabil|sympath|"
                  r"final|util|author|categor|memor|special|visual|mobil|energ|anal|paral)(i|y)z(e|es|ed|ing)$")


def _british_word(word: str) -> str:
    lower = word.lower()
    uk = _SUFFIXED.get(lower) or _STEMS.get(lower)
    if uk is None and lower.endswith("s") and lower[:-1] in _STEMS:
        uk = _STEMS[lower[:-1]] + "s"  # licenses, neighbors
    if uk is None:
        m = _IZE.match(lower)
        if not m:
            return word
        uk = f"{m.group(1)}{m.group(2)}s{m.group(3)}"
    if word.isupper() and len(word) > 1:
        return uk.upper()
    return uk[0].upper() + uk[1:] if word[0].isupper() else uk


def british(text: str) -> str:
    """``text`` with American spellings replaced by British ones, keeping case and punctuation."""
    return re.sub(r"[A-Za-z]+", lambda m: _british_word(m.group()), text)
