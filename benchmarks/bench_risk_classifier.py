"""`make bench-risk-classifier`: the learned risk classifier on a writer it was not trained on.

For each writer of disclosures in `transcribe/data/risk_training` (`writer*.json`), train a classifier on every
other training file, as `transcribe models install` does, then score the left-out writer: how often the
right category is named, with cue phrases alone and with the classifier, and false alarms on that writer's
near-misses. Three trainings: about ten minutes on two CPU cores.

Usage: python benchmarks/bench_risk_classifier.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench_risk import METHODS, flags_for

from transcribe.settings import Settings
from transcribe.summary.risk_classifier import RiskClassifier, train, training_files


def main() -> int:
    base = Settings().model_dir / "minilm-l6-v2"
    print(f"{'left out':14} {'disclosures':>11} " + " ".join(f"{m + ' recall':>24} {'false alarms':>12}" for m in METHODS))
    for held_out in [p for p in training_files() if p.name.startswith("writer")]:
        with tempfile.TemporaryDirectory() as tmp:
            train(base, Path(tmp), [p for p in training_files() if p != held_out])
            classifier = RiskClassifier(Path(tmp))
            items = json.loads(held_out.read_text())["utterances"]
            disclosures = [i for i in items if i["label"]]
            near_misses = [i["text"] for i in items if not i["label"]]
            cells = []
            for classifier_or_none in (None, classifier):
                right = sum(i["label"] in flags_for(i["text"], classifier_or_none) for i in disclosures)
                alarms = sum(bool(flags_for(text, classifier_or_none)) for text in near_misses)
                cells.append(f"{right / len(disclosures):>24.2f} {alarms:>7}/{len(near_misses):<4}")
        print(f"{held_out.stem:14} {len(disclosures):>11} " + " ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
