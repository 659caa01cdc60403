"""The shared documents, rendered from a redacted, summarised :class:`~transcribe.records.Transcript`.

    transcript_docx.py  transcript.docx: title block, one paragraph per utterance, redaction log
    summary_docx.py     summary.docx: the CRISSA supervision note with the supervisor's risk box
    exports.py          transcript.txt, .srt and .vtt
    transcript_json.py  transcript.json (owner-only: it also holds the unredacted text) and its schema
    common.py           durations, dates and speaker labels as every document shows them; docx read-back

Rendering is pure: each function returns data or writes to a stream the caller provides (writing files and
the leak check are :mod:`transcribe.publish`'s).
"""

from .common import NO_SPEECH, docx_text, format_duration, format_recorded, speaker_display_name, spoken_text
from .exports import EXPORTS
from .summary_docx import render_summary_docx
from .transcript_docx import STYLES, render_transcript_docx
from .transcript_json import transcript_json, transcript_schema

__all__ = ["EXPORTS", "NO_SPEECH", "STYLES", "docx_text", "format_duration", "format_recorded",
           "render_summary_docx", "render_transcript_docx", "speaker_display_name", "spoken_text",
           "transcript_json", "transcript_schema"]
