"""PII redaction for UK probation transcripts.

:class:`Redactor` finds identifiers (structured UK formats, dates of birth, people, places, addresses) in
a transcript's utterances, read as one document so that names found once are redacted everywhere and
numbers split across utterances are caught, and replaces them with consistent placeholders
(``[PERSON 1]``, ``[PHONE 1]``...). :func:`check_for_leaks` re-scans rendered output before it is published.
"""

from .engine import RedactionResult, Redactor, redact_segments, transcript_originals
from .leakcheck import LeakError, check_for_leaks
from .spans import LABELS, Document, Span

__all__ = ["LABELS", "Document", "LeakError", "RedactionResult", "Redactor", "Span", "check_for_leaks",
           "redact_segments", "transcript_originals"]
