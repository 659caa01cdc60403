"""Quality bar (issue 4): six synthesised supervision sessions (tests/data/sessions, two espeak-ng voices)
through the whole pipeline; the note must recover the scripted actions, risk flags, appointment and roles.

Sessions s1-s3 were used while developing the summariser; s4-s6 were held out. Both groups must pass.
"""

import pytest
from summary_quality import SESSIONS, load_sessions, score


@pytest.fixture(scope="module")
def results(pipeline):
    return [score(s, pipeline.transcribe(SESSIONS / f"{s['id']}.ogg")) for s in load_sessions()]


def _recall(rows, key):
    found = sum(r[key][0] for r in rows)
    total = sum(r[key][1] for r in rows)
    return found / total if total else 1.0


@pytest.mark.parametrize("group", ["tuning", "held-out"])
def test_actions_and_risk_flags_are_recovered(results, group):
    rows = [r for r in results if r["tuning"] == (group == "tuning")]
    assert len(rows) == 3
    assert _recall(rows, "actions") >= 0.9, [r["missed_actions"] for r in rows]
    assert _recall(rows, "risk_flags") >= 0.9


def test_appointment_date_and_time_are_exact(results):
    missed = [(r["id"], r["appointment"]) for r in results if not r["appointment_exact"]]
    assert not missed


def test_roles_are_right(results):
    for r in results:
        assert r["role_accuracy"] >= 0.9, r


def test_positive_session_raises_no_risk_flag(results):
    calm = next(r for r in results if r["id"] == "s6_college_progress")
    assert calm["unexpected_flags"] == []
