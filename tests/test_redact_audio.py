"""End to end on a real recording (espeak-ng voices, tests/data/make_pii_session.sh): the published Word
file contains none of the identifiers that were said."""

import re
from pathlib import Path

import pytest

from transcribe.redact.spoken import code_runs
from transcribe.render import docx_text

RECORDING = Path(__file__).parent / "data" / "pii_session.wav"


def compact(text: str) -> str:
    return " ".join(r.chars for r in code_runs(text))


@pytest.fixture(scope="module")
def session(pipeline, tmp_path_factory):
    return pipeline.run(RECORDING, tmp_path_factory.mktemp("out"))


def test_identifiers_said_in_the_session_are_absent_from_the_docx(session):
    transcript, outputs = session
    said = " ".join(s.text for s in transcript.segments)
    shared = docx_text(outputs.transcript_docx.read_bytes())
    # What the recogniser heard (so the test cannot pass by the words simply being missing)...
    assert "07700900123" in compact(said)
    assert re.search(r"LS8", said) and "1989" in said
    # ...is not in the published document, in any spelling.
    assert "07700900123" not in compact(shared)
    assert "LS8" not in shared and "3QW" not in shared.replace(" ", "")
    assert "1989" not in shared and "March" not in shared
    for r in transcript.redactions:
        value = transcript.segments[r.segment].text[r.start:r.end]
        assert value not in shared
    assert {"PHONE", "POSTCODE", "DATE_OF_BIRTH", "PERSON"} <= {r.label for r in transcript.redactions}


def test_appointment_and_everyday_words_are_kept(session):
    transcript, outputs = session
    shared = docx_text(outputs.transcript_docx.read_bytes())
    assert "Tuesday at 10" in shared
    assert "Monday to Friday" in shared
