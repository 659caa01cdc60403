"""Last line of defence: re-scan text that is about to be published for anything that should be redacted."""

from __future__ import annotations

import re

from ..errors import RenderError
from .identifiers import find_identifiers
from .lexicons import is_common_word
from .residual import find_residual
from .spans import STRUCTURED, Document, Span
from .spoken import code_runs

MIN_PIECE = 3  # characters of code a redacted piece of an identifier must hold to be looked for elsewhere


class LeakError(RenderError):
    """Published output still contains an identifier; nothing was published."""


def identifier_shaped(text: str) -> list[Span]:
    """Spans of ``text`` shaped like an identifier: a catalogue format, or the residual shapes."""
    document = Document([text])
    found = find_identifiers(document)
    return found + find_residual(document, found)


def check_for_leaks(text: str, originals: list[tuple[str, str]]) -> list[str]:
    """Problems found in ``text`` (empty when clean). Messages name labels, never values.

    Args:
        text: everything a reader of the output would see.
        originals: (label, value) of every redacted value.
    """
    problems = [f"a {span.label} pattern at character {span.start}" for span in identifier_shaped(text)]
    compact_runs = None
    for label, value in originals:
        if label in STRUCTURED:
            compact_value = "".join(r.chars for r in code_runs(value)) or re.sub(r"\W", "", value).upper()
            if len(compact_value) < MIN_PIECE:
                continue  # a letter of an identifier said alone ("Be.", "D for delta"): the word elsewhere is no leak
            if compact_runs is None:
                compact_runs = ["".join(c for c in r.chars if c != "/") for r in code_runs(text)]
            if compact_value and any(compact_value.replace("/", "") in run for run in compact_runs):
                problems.append(f"a redacted {label} value")
                continue
        flags = 0 if is_common_word(value) else re.I
        if re.search(r"(?<![\w])" + re.escape(value) + r"(?![\w])", text, flags):
            problems.append(f"a redacted {label} value")
    return problems
