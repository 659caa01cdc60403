"""``summary.docx``: the one-to-two page CRISSA supervision note, from a transcript's ``summary``."""

from __future__ import annotations

from datetime import date
from typing import IO

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ..records import CRISSA_SECTIONS, Point, Transcript
from .common import format_duration, format_recorded, review_line, speaker_display_name

THEME_LIMIT = 3


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _cite(point: Point) -> str:
    return " " + " ".join(point.timestamps) if point.timestamps else ""


def _found_by(flag) -> str:
    """How a flag was found, where not by a cue phrase."""
    if flag.found_by == "classifier":
        return f" (classifier, {flag.probability:.0%})"
    return " (the officer's safeguarding response)" if flag.found_by == "response" else ""


def render_summary_docx(transcript: Transcript, stream: IO[bytes], generated_on: date | None = None) -> None:
    """Write the supervision note (``transcript.summary``): facts, risk box, CRISSA sections, actions, themes,
    and how it was made.

    Raises:
        ValueError: the transcript has not been summarised.
    """
    summary = transcript.summary
    if summary is None:
        raise ValueError("the transcript has no summary yet: summarise it before rendering the note")
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_paragraph("Supervision session note", style="Title")
    doc.add_paragraph().add_run(review_line(transcript)).bold = True

    facts = doc.add_table(rows=0, cols=2, style="Table Grid")
    speakers = "; ".join(
        f"{speaker_display_name(transcript, s.id)} {s.talk_share:.0%}" for s in summary.facts.speakers)
    session_date = format_recorded(transcript.source) if transcript.source.recorded_at else \
        (generated_on or date.today()).strftime("%-d %B %Y") + " (processed; recording date unknown)"
    for key, value in (("Session date", session_date),
                       ("Duration", format_duration(transcript.source.duration_s)),
                       ("Speakers and talk time", speakers or "none detected")):
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = key, value
    for note in summary.notes:  # what the officer must know before trusting the rest (speakers not separated...)
        doc.add_paragraph().add_run(note).italic = True

    flags = summary.risk_flags
    box = doc.add_table(rows=1, cols=1, style="Table Grid")
    cell = box.rows[0].cells[0]
    _shade(cell, "FDE9E7" if flags else "EEF5EA")
    cell.paragraphs[0].add_run("Risk and safeguarding flags for the supervisor").bold = True
    for tier, heading in (("disclosed", "Disclosed"), ("possible", "Possible — check the recording")):
        tiered = [flag for flag in flags if flag.tier == tier]
        if tiered:
            cell.add_paragraph().add_run(heading).italic = True
        for flag in tiered:
            cell.add_paragraph(f"{flag.category.capitalize()}: {flag.text}{_cite(flag)}{_found_by(flag)}",
                               style="List Bullet")
    if not flags:
        cell.add_paragraph("None detected. Check the transcript if in doubt.")

    for key, title in CRISSA_SECTIONS.items():
        doc.add_paragraph(title, style="Heading 2")
        points = summary.crissa.get(key, [])
        if not points:
            doc.add_paragraph("Nothing recorded.", style="Normal")
        for point in points:
            doc.add_paragraph(point.text + _cite(point), style="List Bullet")

    doc.add_paragraph("Actions", style="Heading 2")
    if summary.actions:
        table = doc.add_table(rows=1, cols=4, style="Table Grid")
        for c, title in zip(table.rows[0].cells, ("Owner", "Action", "Deadline", "Said at"), strict=True):
            c.text = title
        for action in summary.actions:
            cells = table.add_row().cells
            cells[0].text = action.owner.replace("_", " ").capitalize()
            cells[1].text = action.text
            cells[2].text = action.deadline or "—"
            cells[3].text = " ".join(action.timestamps)
    else:
        doc.add_paragraph("No actions recorded.", style="Normal")

    doc.add_paragraph("Themes", style="Heading 2")
    if summary.themes:
        for theme, points in summary.themes.items():
            cites = " ".join(t for p in points[:THEME_LIMIT] for t in p.timestamps)
            doc.add_paragraph(f"{theme.capitalize()}: {cites}", style="List Bullet")
    else:
        doc.add_paragraph("No themes detected.", style="Normal")

    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = (f"How this was produced: generated on this server from the recording, without any data leaving "
                   f"it ({transcript.models.get('asr', '')}; {transcript.models.get('diarisation', '')}; "
                   f"{summary.method} CRISSA extraction). Personal identifiers are "
                   "replaced by placeholders. "
                   + ("The officer checked it against the recording." if transcript.review and transcript.review.checked_by
                      else "It is a draft: the officer must check it against the recording before filing."))
    footer.runs[0].font.size = Pt(8)
    doc.save(stream)
