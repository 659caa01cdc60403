"""``transcript.json``: the full record (schema 1, with unredacted text) as bytes, and its JSON Schema."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ..records import Transcript, to_dict


def transcript_json(transcript: Transcript) -> bytes:
    """The ``transcript.json`` file's bytes: keys in contract order, UTF-8, one-space indent."""
    return (json.dumps(to_dict(transcript), ensure_ascii=False, indent=1) + "\n").encode()


@lru_cache(maxsize=1)
def transcript_schema() -> dict:
    """The JSON Schema of ``transcript.json``."""
    return json.loads(resources.files("transcribe").joinpath("schema/transcript.schema.json").read_text())
