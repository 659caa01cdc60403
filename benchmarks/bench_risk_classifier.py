"""`make bench-risk-classifier`: the learned risk classifier on a writer it was not trained on.

For each writer of dialogue windows in `transcribe/data/risk_training` (`windows_*.jsonl`), train a classifier
on every other training file, as `transcribe models install` does, then score the left-out writer's windows
through the whole detector (cues, classifier, the officer's responses) with the speakers as labelled: recall
in either tier and in "disclosed", self-harm recall, and false alarms on that writer's near misses. Four
trainings: about half an hour on two CPU cores.

Usage: python benchmarks/bench_risk_classifier.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from transcribe.settings import Settings
from transcribe.summary.risk_classifier import RiskClassifier, train, training_files
from transcribe.summary.risk_eval import predict, read_lines, score
from transcribe.summary.risk_flags import DISCLOSED

SELF_HARM = "self-harm or suicide"


def main() -> int:
    base = Settings().model_dir / "minilm-l6-v2"
    print(f"{'left out':16} {'windows':>7} {'recall':>7} {'disclosed':>9} {'self-harm':>9} {'false alarms':>16}")
    for held_out in [p for p in training_files() if p.name.startswith("windows_")]:
        with tempfile.TemporaryDirectory() as tmp:
            train(base, Path(tmp), [p for p in training_files() if p != held_out])
            classifier = RiskClassifier(Path(tmp))
            gold = read_lines(held_out)
            s = score(gold, [predict(item, classifier) for item in gold])
        print(f"{held_out.stem:16} {len(gold):7d} {s.recall():7.2f} {s.recall(tier=DISCLOSED):9.2f} "
              f"{s.recall(SELF_HARM):9.2f} {s.false_alarms:>6}/{s.near_misses} ({s.false_alarms_disclosed} disc.)",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
