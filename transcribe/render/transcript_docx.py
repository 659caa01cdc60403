"""``transcript.docx``: the redacted transcript as a Word document, written to a stream the caller provides."""

from __future__ import annotations

import re
from datetime import date
from typing import IO

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt, RGBColor

from ..records import Transcript, format_timestamp
from ..redact.leakcheck import identifier_shaped
from .common import NO_SPEECH, format_duration, format_recorded, review_line, speaker_display_name

LOW_CONFIDENCE = 0.5
# Named styles used in the document; tests check each exists in the rendered file.
STYLE_TITLE = "Title"
STYLE_HEADING = "Heading 1"
STYLE_FACTS = "Table Grid"
STYLE_UTTERANCE = "Utterance"
STYLE_TIMESTAMP = "Timestamp"
STYLE_SPEAKER = "Speaker Label"
STYLE_UNCERTAIN = "Uncertain Word"
STYLES = (STYLE_TITLE, STYLE_HEADING, STYLE_FACTS, STYLE_UTTERANCE, STYLE_TIMESTAMP, STYLE_SPEAKER,
          STYLE_UNCERTAIN)


def _add_styles(doc) -> None:
    styles = doc.styles
    utterance = styles.add_style(STYLE_UTTERANCE, WD_STYLE_TYPE.PARAGRAPH)
    utterance.base_style = styles["Normal"]
    utterance.paragraph_format.space_after = Pt(6)
    timestamp = styles.add_style(STYLE_TIMESTAMP, WD_STYLE_TYPE.CHARACTER)
    timestamp.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    timestamp.font.size = Pt(9)
    speaker = styles.add_style(STYLE_SPEAKER, WD_STYLE_TYPE.CHARACTER)
    speaker.font.bold = True
    uncertain = styles.add_style(STYLE_UNCERTAIN, WD_STYLE_TYPE.CHARACTER)
    uncertain.font.highlight_color = WD_COLOR_INDEX.GRAY_25


def _speaker_fact(transcript: Transcript, speaker) -> str:
    fact = f"{speaker_display_name(transcript, speaker.id)}: {format_duration(speaker.talk_time_s)}"
    if speaker.role:
        how = "set by a reviewer" if speaker.role_source == "person" else \
            f"recognised by voice profile, similarity {speaker.role_confidence:.0%}" if speaker.role_source == "voice" else \
            f"inferred, confidence {speaker.role_confidence:.0%}" if speaker.role_confidence is not None else "inferred"
        fact += f" ({speaker.id}, {how})"
    return fact


def _mask_known_values(text: str, transcript: Transcript) -> str:
    """Replace any redacted value that also appears in ``text`` (e.g. a name in the file name), and anything
    shaped like an identifier (a recorder's "REC_20241203_101500" is masked rather than fail the leak check)."""
    for r in transcript.redactions:
        value = transcript.segments[r.segment].text[r.start:r.end]
        if len(value) >= 3:
            text = re.sub(re.escape(value), r.placeholder, text, flags=re.I)
    for span in sorted(identifier_shaped(text), key=lambda s: s.start, reverse=True):
        text = text[:span.start] + "[NUMBER]" + text[span.end:]
    return text


def render_transcript_docx(transcript: Transcript, stream: IO[bytes], generated_on: date | None = None) -> None:
    """Write the transcript as a Word document to ``stream``.

    Title block (source, date, duration, models, speakers with talk time), then one paragraph per
    utterance: ``[hh:mm:ss]``, speaker label, and the text with words the recogniser was unsure of
    (probability < 0.5) highlighted grey, explained by a legend. Once redaction has changed an utterance,
    its ``redacted_text`` is written instead, without word marks.
    """
    doc = Document()
    _add_styles(doc)
    doc.add_paragraph("Supervision session transcript (redacted)", style=STYLE_TITLE)
    doc.add_paragraph().add_run(review_line(transcript)).bold = True

    src = transcript.source
    facts = [
        ("Source file", _mask_known_values(src.filename, transcript)),
        ("Recorded", format_recorded(src)),
        ("Produced on", (generated_on or date.today()).strftime("%-d %B %Y")),
        ("Duration", format_duration(src.duration_s)),
        ("Language", transcript.language),
        ("Speech recognition", transcript.models.get("asr", "")),
        ("Speaker diarisation", transcript.models.get("diarisation", "")),
        ("Speakers", "; ".join(_speaker_fact(transcript, s) for s in transcript.speakers) or "none detected"),
    ]
    table = doc.add_table(rows=0, cols=2, style=STYLE_FACTS)
    for key, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value

    legend = doc.add_paragraph(style="Normal")
    legend.add_run("Legend: ")
    legend.add_run("highlighted words", style=STYLE_UNCERTAIN)
    legend.add_run(f" were recognised with low confidence (below {LOW_CONFIDENCE:.0%}); check them against "
                   "the recording. Overlapping speech is marked (overlap). Personal identifiers are replaced by "
                   "placeholders such as [PERSON 1]; the same placeholder always means the same person, place "
                   "or number. The redaction log at the end lists each one without its value.")

    doc.add_paragraph("Transcript", style=STYLE_HEADING)
    if not transcript.segments:
        doc.add_paragraph(NO_SPEECH, style=STYLE_UTTERANCE)
    for seg in transcript.segments:
        p = doc.add_paragraph(style=STYLE_UTTERANCE)
        p.add_run(format_timestamp(seg.start) + " ", style=STYLE_TIMESTAMP)
        p.add_run(speaker_display_name(transcript, seg.speaker) + ": ", style=STYLE_SPEAKER)
        if seg.redacted_text != seg.text:
            p.add_run(seg.redacted_text)
        else:
            plain = ""
            for i, w in enumerate(seg.words):
                separator = " " if i else ""
                if w.probability < LOW_CONFIDENCE:
                    p.add_run(plain + separator)
                    p.add_run(w.word, style=STYLE_UNCERTAIN)
                    plain = ""
                else:
                    plain += separator + w.word
            p.add_run(plain)
        if seg.overlap:
            p.add_run(" (overlap)", style=STYLE_TIMESTAMP)
    _add_redaction_log(doc, transcript)
    doc.save(stream)


def _add_redaction_log(doc, transcript: Transcript) -> None:
    doc.add_paragraph("Redaction log", style=STYLE_HEADING)
    if not transcript.redactions:
        doc.add_paragraph("Nothing was redacted.", style=STYLE_UTTERANCE)
        return
    table = doc.add_table(rows=1, cols=4, style=STYLE_FACTS)
    for cell, title in zip(table.rows[0].cells, ("Placeholder", "Kind", "Utterance", "Time"), strict=True):
        cell.text = title
    for r in transcript.redactions:
        cells = table.add_row().cells
        cells[0].text = r.placeholder
        cells[1].text = r.label.replace("_", " ").lower()
        cells[2].text = str(r.segment + 1)
        cells[3].text = format_timestamp(transcript.segments[r.segment].start)
