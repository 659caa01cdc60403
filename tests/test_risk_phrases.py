"""The risk-flag catalogue on written disclosures and near-misses (no speech recognition in the loop).

`transcribe/data/risk_training/writer1.json` is the development set the catalogue was grown from (22
disclosures per category and 70 near-misses, by a writer who never saw the code); this test keeps it from
slipping back. (With the classifier's other training files it also trains the learned classifier.)
The held-out set, `tests/data/risk_utterances.json`, is measured by `make bench-risk` and never tuned on.
"""

import json

import pytest

from transcribe.summary.risk_classifier import TRAINING_DATA
from transcribe.summary.risk_cues import CATEGORIES, categories

ITEMS = json.loads((TRAINING_DATA / "writer1.json").read_text())["utterances"]


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_disclosures_are_flagged_in_their_category(category):
    said = [item["text"] for item in ITEMS if item["label"] == category
            and not item["text"].endswith("?")]  # a question is flagged only with its answer
    found = [text for text in said if category in categories(text)]
    assert len(found) >= 0.85 * len(said), sorted(set(said) - set(found))


def test_near_misses_raise_almost_no_flags():
    alarms = [(item["text"], categories(item["text"])) for item in ITEMS
              if item["label"] is None and not item["text"].endswith("?") and categories(item["text"])]
    assert len(alarms) <= 2, alarms


@pytest.mark.parametrize("said", [
    "The landlord has threatened me with eviction.", "I was carrying the shopping home.",
    "I'm carrying on with the course.", "My benefits got cut again.", "I slipped on the ice on Monday.",
    "It's not worth it, the hassle.", "I've got a GPS tracker on my ankle.", "I'm working on controlling my temper.",
    "I cut myself shaving this morning.", "I want to end it with her, we're not happy.",
    "I'd never carry a knife again.", "The assault was years back and I've done the course since."])
def test_everyday_talk_is_not_a_disclosure(said):
    assert categories(said) == []
