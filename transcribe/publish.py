"""The last step: render the shared documents, leak-check them, then write every output owner-only.

Nothing is written unless everything passed: the Word files are read back and, with the text exports,
scanned for identifier patterns and for every value that was redacted (in any spelling). Files are written
atomically through :func:`transcribe.files.write_private`; ``transcript.json`` (unredacted) is written last.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderError
from .files import write_private
from .records import Transcript
from .redact import LeakError, check_for_leaks, transcript_originals
from .render import (
    EXPORTS,
    docx_text,
    render_summary_docx,
    render_transcript_docx,
    spoken_text,
    transcript_json,
)
from .summary import summarise

TRANSCRIPT_DOCX, SUMMARY_DOCX, TRANSCRIPT_JSON = "transcript.docx", "summary.docx", "transcript.json"


@dataclass
class Outputs:
    """Files written for one recording."""

    directory: Path
    transcript_json: Path
    transcript_docx: Path
    summary_docx: Path


def render_documents(transcript: Transcript) -> dict[str, bytes]:
    """The shared documents by file name: both Word files and the text exports (all redacted)."""
    documents = {}
    for name, render in ((TRANSCRIPT_DOCX, render_transcript_docx), (SUMMARY_DOCX, render_summary_docx)):
        buffer = io.BytesIO()
        render(transcript, buffer)
        documents[name] = buffer.getvalue()
    documents.update((name, render(transcript).encode()) for name, render in EXPORTS.items())
    return documents


def check_documents(transcript: Transcript, documents: dict[str, bytes]) -> None:
    """Read back what a reader of ``documents`` would see and scan it for identifiers.

    Raises:
        LeakError: an identifier pattern or a redacted value was found (the message names labels, never values).
    """
    shared = "\n".join(spoken_text(docx_text(data) if name.endswith(".docx") else data.decode())
                       for name, data in documents.items())
    problems = check_for_leaks(shared, transcript_originals(transcript.segments, transcript.redactions))
    if problems:
        raise LeakError(f"the shared documents failed the leak check ({len(problems)} finding(s): "
                        f"{'; '.join(sorted(set(problems))[:5])}); nothing was published")


def write_outputs(transcript: Transcript, directory: Path) -> Outputs:
    """Write the redacted ``transcript.docx``, ``summary.docx``, ``.txt``, ``.srt`` and ``.vtt``, and
    ``transcript.json`` (owner-only: it holds unredacted text) into ``directory``.

    A transcript not yet summarised gets the deterministic note. The rendering time is added to
    ``transcript.timings_s`` (``render`` and ``total``) before the JSON is written.

    Raises:
        LeakError: a rendered document still contains an identifier; nothing was written.
        RenderError: the folder cannot be created or written.
    """
    directory = Path(directory)
    started = time.perf_counter()
    if transcript.summary is None:
        transcript.summary = summarise(transcript)
    documents = render_documents(transcript)
    check_documents(transcript, documents)
    render_s = time.perf_counter() - started
    timings = transcript.timings_s
    timings["render"] = round(render_s, 3)
    timings["total"] = round(timings.get("total", 0.0) + render_s, 3)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name, data in documents.items():
            write_private(directory / name, data)
        write_private(directory / TRANSCRIPT_JSON, transcript_json(transcript))
    except OSError as e:
        # No path: folder names can hold a person's name (the CLI names the recording itself).
        raise RenderError(f"cannot write the outputs: {e.strerror or type(e).__name__}") from e
    return Outputs(directory, directory / TRANSCRIPT_JSON, directory / TRANSCRIPT_DOCX, directory / SUMMARY_DOCX)
