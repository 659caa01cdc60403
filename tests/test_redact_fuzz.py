"""The redactor never fails on what speech recognition can produce: stray punctuation, hyphens glued to words,
names next to numbers and times. A crash here would lose a whole recording's job."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcribe.redact.engine import Redactor

TOKENS = ["I", "saw", "Kacper", "Sarah", "Smith", "in", "Leeds", "at", "11", "AM", "a.m.", "the", "9th", "of", "May",
          ",", ".", "?", "-", " -", "'", "’", "--", "...", "Mr", "Dr", "07700", "900123", "QQ", "123456", "C",
          "HMP", "Road", "M1", "1AA", "S-M-I-T-H", "um", "Okay", "morning", "my", "mum", "Universal", "Credit",
          "£340", "1990", "twenty", "-first", "o'clock", "\n"]


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join), min_size=1, max_size=4))
def test_redaction_never_fails_and_logs_valid_offsets(redactor, texts):
    result = redactor.redact(texts)
    assert len(result.texts) == len(texts)
    for r in result.redactions:
        assert 0 <= r.start < r.end <= len(texts[r.segment])
        assert r.placeholder in result.texts[r.segment]
