"""The action extractor on written tasks and commitments (no speech recognition in the loop).

`tests/data/action_development.json` is the development set the task phrasings were grown from (160 actions
in many phrasings with owner and keywords, 60 near-misses, by a writer who never saw the code);
`tests/data/action_tuning_c.json` a second one by another such writer (150 actions, 110 near misses, scored
first in benchmarks/HELDOUT.md). These tests keep both from slipping back; `make bench-actions` prints the same
figures and those of the held-out set.
"""

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from summary_quality import action_found, spoken

from transcribe.summary.actions import extract_actions

SETS = {name: json.loads((Path(__file__).parent / "data" / f"{name}.json").read_text())["utterances"]
        for name in ("action_development", "action_tuning_c")}


def _actions(item: dict) -> list[dict]:
    return [asdict(a) for a in extract_actions(spoken([(item["speaker"], item["text"])]))]


@pytest.mark.parametrize("name", SETS)
def test_tasks_and_commitments_are_found_with_their_owner(name):
    actions = [item for item in SETS[name] if item["owner"]]
    missed = [item["text"] for item in actions if not action_found(item, _actions(item))]
    assert len(missed) <= 0.1 * len(actions), missed


@pytest.mark.parametrize("name", SETS)
def test_questions_advice_and_reviews_are_not_actions(name):
    taken = [(item["text"], [a["text"] for a in found]) for item in SETS[name] if item["owner"] is None
             and (found := _actions(item))]
    assert len(taken) <= 2, taken


def _said(speaker: str, text: str) -> list[tuple[str, str]]:
    return [(a["owner"], a["text"]) for a in _actions({"speaker": speaker, "text": text})]


def test_two_actions_in_one_sentence_each_with_its_owner():
    assert _said("O", "So you phone the DWP about the sanction and I'll write to your landlord on Monday.") == [
        ("officer", "Officer to write to the person on probation's landlord on Monday"),
        ("person_on_probation", "Person on probation to phone the DWP about the sanction")]


def test_tags_passives_and_tasks_said_in_the_present():
    assert _said("O", "I'll chase the approved premises about your room, okay?") == [
        ("officer", "Officer to chase the approved premises about the person on probation's room")]
    assert _said("O", "A letter will be sent to the magistrates before your review.") == [
        ("officer", "Officer to send a letter to the magistrates before the person on probation's review")]
    assert _said("O", "Later today I'm emailing the hostel manager about the rent arrears.") == [
        ("officer", "Officer to email the hostel manager about the rent arrears")]
    assert _said("P", "So you're sorting the travel warrant for me tomorrow, is that right?") == [
        ("officer", "Officer to sort the travel warrant for the person on probation tomorrow")]
    assert _said("O", "Yeah, right, hand your old tag charger in at reception.") == [
        ("person_on_probation", "Person on probation to hand their old tag charger in at reception")]
    assert _said("O", "Make sure you're home by nine on Saturday for the curfew check.") == [
        ("person_on_probation", "Person on probation to be home by nine on Saturday for the curfew check")]


def test_hedges_leisure_and_encouragement_are_not_actions():
    for speaker, text in [("P", "I'll probably see my nan at the weekend."), ("P", "Maybe I'll try Leeds next year."),
                          ("O", "I'll have a cuppa once you've gone."), ("O", "You'll get there, honestly."),
                          ("O", "Let me pull your record up on the screen."),
                          ("O", "Ring your sister to find out if the keys are ready.")][:-1]:
        assert _said(speaker, text) == [], text
    assert _said("O", "Ring your sister to find out if the keys are ready.")  # "find out if" asks; no condition
