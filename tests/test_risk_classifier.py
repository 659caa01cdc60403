"""The learned risk classifier (transcribe/summary/risk_classifier.py), as `transcribe models install` trained it from
the committed data. The sentences and windows here are this test's own, in none of the training files; how the
classifier does on whole held-out sets is `make bench-risk` (benchmarks/HELDOUT.md)."""

import io
import json
import re
import shutil

import numpy as np
import pytest
from summary_quality import spoken

from transcribe.errors import ModelError
from transcribe.models import sha256_file
from transcribe.render import docx_text, render_summary_docx
from transcribe.summary import summarise
from transcribe.summary.risk_classifier import (
    LABELS,
    RISK_CLASSIFIER,
    is_current,
    load_risk_classifier,
    training_examples,
    training_files,
)
from transcribe.summary.risk_eval import window_transcript
from transcribe.summary.risk_flags import DISCLOSED_THRESHOLD, POSSIBLE_THRESHOLD, extract_risk_flags

DISCLOSURES = {
    "self-harm or suicide": ["Some nights I just sit on the edge of the car park roof and think about it.",
                             "I've written letters to my kids in case I'm not around much longer.",
                             "Scratched my wrists up with a razor on Sunday."],
    "threats or violence": ["If that lad says one more word about my mum I'll break his face.",
                            "I told the bailiff I'd put him through the window if he came back.",
                            "Me and my cousin had a proper scrap outside the chippy."],
    "weapons": ["I keep a screwdriver down my sock when I go out now, just in case.",
                "My mate asked me to mind a machete for him.", "There's a bat under the bed, for if anyone comes round."],
    "children": ["My boy's only six and he was home by himself till gone ten last night.",
                 "The social worker says the baby can't stay with us while he's living there.",
                 "I've been picking my daughter up from school even though I'm not meant to."],
    "domestic abuse": ["He took my bank card off me and I have to ask him for bus money.",
                       "I keep turning up at her work because she won't answer my calls.",
                       "She threw a mug at me and I shoved her back."],
    "missed medication": ["The injection was due the week before last and I never went.",
                          "Haven't been to the chemist for my script since Monday.",
                          "I've not had my inhaler or my anti-depressants for about a fortnight."],
    "relapse": ["Got talked into a few lines at my cousin's do on Saturday.",
                "Been on the bookies' machines again, lost my whole wage.",
                "Had a little smoke with the lads on Friday, first in ages."],
}
ORDINARY = [
    "The bus was late again so I walked the last bit.",
    "I've been taking my tablets every morning like the doctor said.",
    "My daughter's started at the big school and she loves it.",
    "I'm nine months dry now, longest I've ever done.",
    "Can you sign this so I can take it to the housing office?",
]


@pytest.fixture(scope="module")
def classifier(model_root):
    return load_risk_classifier(model_root)


def test_installed_classifier_was_trained_on_the_committed_data(model_root):
    directory = model_root / RISK_CLASSIFIER
    assert is_current(directory)
    card = json.loads((directory / "classifier.json").read_text())
    assert card["training_files"] == [p.name for p in training_files()]
    assert card["examples"] == len(training_examples()) >= 2500
    assert any(p.suffix == ".jsonl" for p in training_files())  # dialogue windows, not only utterances


def test_classifier_trained_on_other_data_is_refused(model_root, tmp_path):
    stale = tmp_path / RISK_CLASSIFIER
    shutil.copytree(model_root / RISK_CLASSIFIER, stale)
    card = json.loads((stale / "classifier.json").read_text())
    (stale / "classifier.json").write_text(json.dumps(card | {"training_digest": "0" * 64}))
    assert not is_current(stale)
    # Installed like that (the manifest agrees with the files), so the cache verifies and the card decides.
    manifest = json.loads((model_root / "manifest.json").read_text())
    for m in manifest["models"]:
        if m["name"] == RISK_CLASSIFIER:
            m["files"]["classifier.json"] = sha256_file(stale / "classifier.json")
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="trained on other data"):
        load_risk_classifier(tmp_path)


def test_classifier_finds_disclosures_the_cue_phrases_miss(classifier):
    said = [(category, text) for category, texts in DISCLOSURES.items() for text in texts]
    by_cues = [category in _flags(text) for category, text in said]
    with_classifier = [category in _flags(text, classifier) for category, text in said]
    assert all(with_classifier[i] for i, found in enumerate(by_cues) if found)  # it adds, never takes away
    assert sum(with_classifier) >= sum(by_cues) + 3 and sum(with_classifier) >= 0.5 * len(said), \
        [text for (_, text), found in zip(said, with_classifier, strict=True) if not found]


def test_ordinary_talk_on_the_same_topics_is_no_risk(classifier):
    probabilities = classifier.predict(ORDINARY)
    assert probabilities.shape == (len(ORDINARY), 7)
    assert not [text for text, p in zip(ORDINARY, probabilities, strict=True) if p.max() >= DISCLOSED_THRESHOLD]


def _flags(text: str, classifier=None) -> set[str]:
    return {flag.category for flag in extract_risk_flags(spoken([("P", text)]), classifier)}


def test_summary_flags_what_the_cue_phrases_miss(classifier):
    transcript = spoken([("O", "How have things been since I last saw you?"),
                         ("P", "Haven't been to the chemist for my script since Monday.")])
    assert not extract_risk_flags(transcript)
    flags = extract_risk_flags(transcript, classifier)
    assert [(f.category, f.found_by, f.segments, f.timestamps) for f in flags] == \
        [("missed medication", "classifier", [1], ["[00:00:03]"])]
    assert POSSIBLE_THRESHOLD <= flags[0].probability <= 1


def test_a_cue_flag_is_not_repeated_by_the_classifier(classifier):
    flags = extract_risk_flags(spoken([("P", "I've been cutting myself again, mostly my arms.")]), classifier)
    assert [(f.category, f.found_by) for f in flags] == [("self-harm or suicide", "phrase")]


class _Fixed:
    """A classifier that gives every window the same probabilities: the cue gating alone under test."""

    def __init__(self, **by_category):
        self.row = np.array([by_category.get(label.split()[0].replace("-", "_"), 0.0) for label in LABELS])

    def predict(self, texts):
        return np.tile(self.row, (len(texts), 1))


def test_a_cue_is_disclosed_only_where_the_classifier_backs_it():
    said = spoken([("P", "I've been cutting myself again, mostly my arms.")])
    tiers = {p: [(f.category, f.tier) for f in extract_risk_flags(said, _Fixed(self_harm=p))]
             for p in (0.97, 0.5, 0.2)}
    assert tiers == {0.97: [("self-harm or suicide", "disclosed")], 0.5: [("self-harm or suicide", "possible")],
                     0.2: [("self-harm or suicide", "possible")]}
    # read as no risk of any kind: dropped; as another risk only: kept, "possible"
    assert extract_risk_flags(said, _Fixed(self_harm=0.05)) == []
    assert [f.tier for f in extract_risk_flags(said, _Fixed(relapse=0.5))] == ["possible"]


def test_safeguarding_advice_after_a_no_is_not_evidence():
    lines = [("O", "Are you having any thoughts of hurting yourself at the moment?"),
             ("P", "No. Nothing like that, I was just letting off steam about the hostel."),
             ("O", "OK. If that changes, the crisis line is open all night, and you can always ring me."),
             ("P", "Will do.")]
    assert extract_risk_flags(spoken(lines)) == []
    lines[1] = ("P", "I was just letting off steam about the hostel, it's doing my head in.")
    assert [f.category for f in extract_risk_flags(spoken(lines))] == ["self-harm or suicide"]


# The issue's own case: a night with a stockpile of tablets, said over an exchange; and a risk question
# answered with a no.
SPREAD = [{"speaker": "person", "text": "Thursday night I had all my tablets out on the kitchen table. Every one of them."},
          {"speaker": "officer", "text": "What were you going to do with them?"},
          {"speaker": "person", "text": "Take the lot. I didn't, in the end. Put them back in the drawer."},
          {"speaker": "officer", "text": "Thank you for telling me. Are those thoughts there today? I want us to do a "
                                         "safety plan."}]
DECLINED = [{"speaker": "officer", "text": "You mentioned last time you'd been low. Any thoughts of ending your life?"},
            {"speaker": "person", "text": "No. Honestly, I'm in a better place. The new job's helped."}]


def test_a_disclosure_spread_over_turns_is_found_whatever_diarisation_said(classifier):
    """The window is read as one; speakers labelled or every turn one voice, the same flag, citing the person's
    words (roles decide attribution only)."""
    for one_speaker in (False, True):
        flags = extract_risk_flags(window_transcript(SPREAD, one_speaker), classifier)
        self_harm = [f for f in flags if f.category == "self-harm or suicide"]
        assert self_harm and self_harm[0].found_by == "classifier", (one_speaker, flags)
        assert set(self_harm[0].segments) & {0, 2}, self_harm[0]
        assert not extract_risk_flags(window_transcript(DECLINED, one_speaker), classifier)


def test_the_note_says_which_flags_the_classifier_raised(classifier):
    transcript = spoken([("O", "How have things been since I last saw you?"),
                         ("P", "Haven't been to the chemist for my script since Monday."),
                         ("P", "I've been cutting myself again, mostly my arms.")])
    transcript.summary = summarise(transcript, risk_classifier=classifier)
    buffer = io.BytesIO()
    render_summary_docx(transcript, buffer)
    text = docx_text(buffer.getvalue())
    assert re.search(r"Missed medication: Haven't been to the chemist .*\(classifier, \d+%\)", text)
    assert re.search(r"Self-harm or suicide: I've been cutting myself again, mostly my arms\. \[00:00:06\]\n", text)


def test_two_tiers_and_the_officers_response_as_evidence(classifier):
    # The tablets said without a risk word; the officer's safety planning is what shows it.
    lines = [("O", "How have things been this week?"),
             ("P", "Honestly, Saturday night I sat with everything I've been prescribed in front of me."),
             ("O", "Thank you for telling me that. Are those thoughts with you today? Let's do a safety plan, and "
                   "I'll give you the crisis line number.")]
    flags = extract_risk_flags(spoken(lines), classifier)
    self_harm = [f for f in flags if f.category == "self-harm or suicide"]
    assert self_harm and all(f.tier in ("disclosed", "possible") for f in flags)
    assert 1 in self_harm[0].segments  # the person's words are cited, not only the officer's
    routine = [("O", "I ask everyone this. Any thoughts of harming yourself?"), ("P", "No, nothing like that.")]
    assert extract_risk_flags(spoken(routine), classifier) == []


def test_risk_eval_writes_categories_and_tiers_and_scores_them(tmp_path, model_root, monkeypatch):
    from typer.testing import CliRunner

    from transcribe.cli import app

    gold = tmp_path / "gold.jsonl"
    windows = [
        {"id": "w1", "turns": [{"speaker": "person", "text": "I had a few cans on Friday, first time in a year."},
                               {"speaker": "officer", "text": "Okay. Let's think about the alcohol service."}],
         "categories": ["relapse"], "kind": "disclosure"},
        {"id": "w2", "turns": [{"speaker": "officer", "text": "Any weapons in the house?"},
                               {"speaker": "person", "text": "No. Just the kitchen knives, like anyone."}],
         "categories": [], "kind": "near_miss"},
    ]
    gold.write_text("".join(json.dumps(w) + "\n" for w in windows))
    monkeypatch.setenv("TRANSCRIBE_MODEL_DIR", str(model_root))
    out = tmp_path / "out.jsonl"
    for extra in ([], ["--one-speaker"]):
        result = CliRunner().invoke(app, ["risk-eval", str(gold), "--predictions", str(out), *extra])
        assert result.exit_code == 0, result.output
        predictions = [json.loads(line) for line in out.read_text().splitlines()]
        assert [p["id"] for p in predictions] == ["w1", "w2"]
        assert all(set(p["tiers"]) == set(p["categories"]) and set(p["tiers"].values()) <= {"disclosed", "possible"}
                   for p in predictions)
        assert "relapse" in predictions[0]["categories"] and "false alarms on 1 near misses" in result.output
