"""Quality bar (issue 4): the synthesised supervision sessions (tests/data/sessions, two espeak-ng voices)
through the whole pipeline; the note must recover the scripted actions, risk flags, themes, appointment and
roles, and raise no risk category the script does not contain.

Sessions were written in rounds; each new round was measured once, unseen, before its misses were fixed and
it joined the development set (s16-s26 by separate writers who never saw the summariser's code). Those
first, held-out measurements are in benchmarks/HELDOUT.md; this test holds the bar on all of them. The
latest two rounds (s27-s34, `"tuning": false`) are kept out of the loop: `make bench-summary` reports them
separately.
"""

import pytest
from summary_quality import SESSIONS, group_scores, load_sessions, score

TUNING = [s for s in load_sessions() if s["tuning"]]
SCORES: dict[str, dict] = {}  # filled session by session (each run within the per-test time limit)


def _scored(pipeline, session: dict, out) -> dict:
    """Each session published as the service would (the leak check included: two sessions once failed it)."""
    if session["id"] not in SCORES:
        transcript, _ = pipeline.run(SESSIONS / f"{session['id']}.ogg", out)
        SCORES[session["id"]] = score(session, transcript)
    return SCORES[session["id"]]


@pytest.mark.parametrize("session", TUNING, ids=[s["id"] for s in TUNING])
def test_session_roles_and_appointment(pipeline, session, tmp_path_factory):
    """Roles right; the appointment exact wherever the recogniser kept the spoken date and time (the
    synthetic voice's "nine o'clock" can come out as "either clock": `make bench-summary` reports those)."""
    r = _scored(pipeline, session, tmp_path_factory.mktemp("sessions"))
    assert r["role_accuracy"] >= 0.9, r
    assert r["appointment_exact"] or not r["appointment_heard"], r["appointment"]


@pytest.fixture(scope="module")
def results(pipeline, tmp_path_factory):
    return [_scored(pipeline, s, tmp_path_factory.mktemp("sessions")) for s in TUNING]


def test_actions_risk_flags_and_themes_are_recovered(results):
    g = group_scores(results)
    missed = [(r["id"], r["missed_actions"]) for r in results if r["missed_actions"]]
    # Every action whose words the recogniser kept; the synthetic voice loses a few ("debt advice" -> "net
    # advice", "knife" -> "life"), which no extractor can recover. How many it loses depends on the CPU (int8
    # Whisper differs between CPUs): 88 of 99 actions were found on one machine, 84 on the CI machine, with the
    # same code. The bar on every action is therefore looser than the bar on those heard.
    assert g["action_recall_heard"] >= 0.9, missed
    assert g["action_recall"] >= 0.8, missed
    assert g["flag_recall"] >= 0.9
    assert g["unexpected_flags"] == 0, [(r["id"], r["unexpected_flags"]) for r in results if r["unexpected_flags"]]
    # "Possible — check the recording" is a lower bar, but no more than one session in three may carry a
    # category the script does not have.
    assert g["unexpected_possible"] <= len(results) // 3, [(r["id"], r["unexpected_possible"]) for r in results]
    assert g["theme_recall"] >= 0.9 and g["theme_precision"] >= 0.8, [(r["id"], r["extra_themes"]) for r in results]


def test_most_appointments_survive_recognition(results):
    assert sum(r["appointment_heard"] for r in results) >= 0.8 * len(results)
