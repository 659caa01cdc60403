"""What every shared document says the same way: durations, the session date, speaker labels; and reading a
Word file back as text (for the leak check and for tests)."""

from __future__ import annotations

import io
import re
from datetime import datetime

from docx import Document

from ..records import Source, Transcript

NO_SPEECH = "No speech was found in this recording."
DRAFT = "DRAFT: not yet checked by the officer against the recording."


def review_line(transcript: Transcript) -> str:
    """The banner both Word documents carry: a draft until the officer has checked the note."""
    review = transcript.review
    if review is None or not review.checked_by:
        return DRAFT
    when = datetime.fromisoformat(review.checked_at).strftime("%-d %B %Y") if review.checked_at else "an unknown date"
    return f"Checked by the officer ({review.checked_by}) on {when}."


def format_duration(seconds: float) -> str:
    """'4 min 05 s', '1 h 02 min 00 s'."""
    total = int(round(seconds))
    h, m, s = total // 3600, total % 3600 // 60, total % 60
    return f"{h} h {m:02d} min {s:02d} s" if h else f"{m} min {s:02d} s"


def format_recorded(source: Source) -> str:
    """'12 March 2026, 10:15 (from the recording)': where the time is the file's, say it needs checking."""
    if not source.recorded_at:
        return "unknown"
    when = datetime.fromisoformat(source.recorded_at)
    where = "from the recording" if source.recorded_at_from == "metadata" else "file date: check it"
    return f"{when:%-d %B %Y, %H:%M} ({where})"


def speaker_display_name(transcript: Transcript, speaker_id: str) -> str:
    """How a speaker is shown in shared documents: the role once known (``Officer``, ``Person on
    probation``), else the diarisation label. Only the officer's own name is ever shown; other people's
    names are personal data and stay in the JSON."""
    for s in transcript.speakers:
        if s.id == speaker_id:
            if not s.role:
                return s.id
            label = s.role.replace("_", " ").capitalize()
            same_role = [o for o in transcript.speakers if o.role == s.role]
            if len(same_role) > 1:
                label += f" {same_role.index(s) + 1}"
            return f"{label} ({s.name})" if s.name and s.role == "officer" else label
    return speaker_id


def docx_text(data: bytes) -> str:
    """Every piece of text a reader of a .docx sees: paragraphs, tables, headers and footers."""
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


# Numbers the documents add, not what was said: [hh:mm:ss] citations, subtitle cue numbers and timing lines, and
# the redaction log's utterance numbers. Read as speech, "[00:02:15]" near the word "bank" is a sort code and
# "did I.\n\n00:00:10.890 --> ..." a case reference; the leak check reads past them.
_OUR_NUMBERS = re.compile(r"\[\d{2}:\d{2}:\d{2}\]|^(?:\d+|\d{2}:\d{2}:\d{2}[.,]\d{3} --> \d{2}:\d{2}:\d{2}[.,]\d{3}|WEBVTT)$",
                          re.M)


def spoken_text(shared: str) -> str:
    """A shared document's text with the numbers it adds itself replaced by a marker that breaks any run of
    characters, leaving what was said."""
    return _OUR_NUMBERS.sub("[timing]", shared)
