"""The action extractor on written tasks and commitments (no speech recognition in the loop).

`tests/data/action_development.json` is the development set the task phrasings were grown from (160 actions
in many phrasings with owner and keywords, 60 near-misses, by a writer who never saw the code); this test
keeps it from slipping back. `make bench-actions` prints the same figures.
"""

import json
from dataclasses import asdict
from pathlib import Path

from summary_quality import action_found, spoken

from transcribe.summary.actions import extract_actions

ITEMS = json.loads((Path(__file__).parent / "data" / "action_development.json").read_text())["utterances"]


def _actions(item: dict) -> list[dict]:
    return [asdict(a) for a in extract_actions(spoken([(item["speaker"], item["text"])]))]


def test_tasks_and_commitments_are_found_with_their_owner():
    actions = [item for item in ITEMS if item["owner"]]
    missed = [item["text"] for item in actions if not action_found(item, _actions(item))]
    assert len(missed) <= 0.1 * len(actions), missed


def test_questions_advice_and_reviews_are_not_actions():
    taken = [(item["text"], [a["text"] for a in found]) for item in ITEMS if item["owner"] is None
             and (found := _actions(item))]
    assert len(taken) <= 2, taken
