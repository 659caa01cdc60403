"""Optional summariser backed by a local, OpenAI-compatible model server (for sites that run their own).

Only loopback addresses are accepted: the redacted transcript must never leave the host. Any failure
(server absent, slow, malformed reply) falls back to the deterministic summariser, and the note says so.
The LLM only rewrites the CRISSA section bullets; actions, appointment, risk flags and themes always come
from the deterministic extractors, so the parts a supervisor relies on are reproducible.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request

from ..options import LlmOptions
from ..records import CRISSA_SECTIONS, Point, Summary, Transcript, format_timestamp
from .crissa import summarise

logger = logging.getLogger(__name__)

_WORDED = tuple(CRISSA_SECTIONS)[:4]  # check_in, review, intervention, summary: the sections the model words
_TIMESTAMP = re.compile(r"\[\d{2}:\d{2}:\d{2}\]")
# No proxy: the loopback address must be reached directly, whatever http_proxy and HTTPS_PROXY say.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

_PROMPT = (
    "You write probation supervision notes in the CRISSA format. From the redacted transcript below, write "
    "up to four short bullet points for each section: check_in, review, intervention, summary. Each bullet "
    "must end with the [hh:mm:ss] timestamp(s) of the lines it comes from. Keep placeholders such as "
    "[PERSON 1] exactly as written; never guess a redacted value. Reply with JSON only: "
    '{"check_in": [..], "review": [..], "intervention": [..], "summary": [..]}.'
)


def summarise_with_llm(transcript: Transcript, options: LlmOptions, embedder=None, risk_classifier=None) -> Summary:
    """CRISSA sections written by the local model, everything else deterministic; falls back on failure."""
    base = summarise(transcript, embedder, risk_classifier)
    lines = "\n".join(f"{format_timestamp(s.start)} {s.speaker}: {s.redacted_text}" for s in transcript.segments)
    request = urllib.request.Request(
        options.base_url.rstrip("/") + "/chat/completions",
        data=json.dumps({"model": options.model, "temperature": 0,
                         "messages": [{"role": "system", "content": _PROMPT},
                                      {"role": "user", "content": lines}]}).encode(),
        headers={"Content-Type": "application/json"})
    try:
        with _DIRECT.open(request, timeout=options.timeout_s) as response:
            reply = json.loads(response.read())
        sections = json.loads(reply["choices"][0]["message"]["content"])
        for key in _WORDED:
            bullets = sections.get(key, [])
            if not isinstance(bullets, list) or not all(isinstance(b, str) for b in bullets):
                raise ValueError(f"section {key} is not a list of strings")
            base.crissa[key] = [Point(b.strip(), _TIMESTAMP.findall(b), []) for b in bullets[:4] if b.strip()]
        base.method = f"local LLM ({options.model}) for sections; deterministic extraction for the rest"
    except (OSError, ValueError, KeyError, IndexError, TypeError) as e:  # URLError/timeouts are OSErrors
        logger.warning("local LLM summariser unavailable (%s); using the deterministic summary", type(e).__name__)
        base.notes.append("The local language model was unavailable; this note was produced deterministically.")
    return base

