"""Run the redactor on a labelled set in the dev set's format (``{"id", "text", ...}`` per line).

Only ``id`` and ``text`` are read. ``text`` holds utterances as ``SPEAKER_xx: ...`` lines, treated as one
transcript; predictions are character offsets into ``text``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .engine import Redactor
from .spans import Document
from .tagger import utterances_of


def predict_entities(redactor: Redactor, text: str) -> list[dict]:
    """Entities predicted for one multi-line transcript text, as ``{start, end, label}``."""
    utterances, offsets = utterances_of(text)
    doc = Document(utterances)
    entities = []
    for span in redactor.detect(doc):
        for index, lo, hi in doc.split(span):
            entities.append({"start": offsets[index] + lo, "end": offsets[index] + hi, "label": span.label})
    return entities


def predict_file(gold: Path, out: Path, redactor: Redactor | None = None) -> int:
    """Write one prediction line per input line; returns the number of lines."""
    redactor = redactor or Redactor()
    lines = [json.loads(line) for line in Path(gold).read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(out, "w", encoding="utf-8") as f:
        for item in lines:
            f.write(json.dumps({"id": item["id"], "entities": predict_entities(redactor, item["text"])}) + "\n")
    return len(lines)


def iter_items(path: Path) -> Iterable[dict]:
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)
