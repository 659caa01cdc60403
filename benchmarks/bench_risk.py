"""`make bench-risk`: the risk-flag detector on short written utterances, cue phrases alone and with the
learned classifier.

`tests/data/risk_utterances.json` was written by a separate writer who never saw the detector's code: 12
disclosures per category and 30 near-misses ("I cut my hair", "I killed it at the interview"). Neither the cue
catalogue nor the classifier was tuned or trained on it. Prints, per category, how often the right category
was named, and false alarms on the near-misses.

The classifier's training data, `transcribe/data/risk_training/writer*.json` (three more writers), can be
measured too, e.g. `writer1.json`, the set the cue catalogue was grown from (its figures for the classifier
are then training figures, not a measurement).

Then the dialogue windows in `benchmarks/data/risk/` (`transcribe risk-eval` format, separate writers:
`windows_a.jsonl`, the development set the tiers' thresholds are set on; `windows_b.jsonl`, `windows_h.jsonl`,
`windows_i.jsonl` (near misses two to one), `windows_j.jsonl`, `windows_k.jsonl`, `windows_p.jsonl` (near misses
one to one) and `windows_q.jsonl` (self-harm hinted at), held out;
`windows_o.jsonl`, near misses three to two, the development set the cue gating was chosen on; the windows of
writers C to G and L to N are the classifier's training data, in `transcribe/data/risk_training`), each with the
speakers as labelled and with every turn given to one speaker (a diarisation failure): recall per category in
either tier and in the "disclosed" tier, false alarms on near misses, precision.

Usage: python benchmarks/bench_risk.py [FILE] [-v]   (FILE: default the held-out set; -v lists misses)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from summary_quality import spoken  # noqa: E402

from transcribe.settings import Settings  # noqa: E402
from transcribe.summary.risk_classifier import load_risk_classifier  # noqa: E402
from transcribe.summary.risk_eval import predict, read_lines, report, score  # noqa: E402
from transcribe.summary.risk_flags import extract_risk_flags  # noqa: E402

HELD_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "risk_utterances.json"
WINDOWS = Path(__file__).resolve().parent / "data" / "risk"
METHODS = ("phrases", "with classifier")


def flags_for(text: str, classifier=None) -> set[str]:
    """Categories flagged in ``text`` read alone, as if the person on probation said it (the classifier skips
    the officer's statements; the sets' few officer lines are scored as before it existed)."""
    return {f.category for f in extract_risk_flags(spoken([("P", text)]), classifier)}


def main() -> int:
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    items = json.loads(Path(files[0] if files else HELD_OUT).read_text())["utterances"]
    classifier = load_risk_classifier(Settings().model_dir)
    right = {m: Counter() for m in METHODS}
    alarms = {m: [] for m in METHODS}
    total, missed = Counter(), []
    for item in items:
        flags = dict(zip(METHODS, (flags_for(item["text"]), flags_for(item["text"], classifier)), strict=True))
        if item["label"] is None:
            for m in METHODS:
                if flags[m]:
                    alarms[m].append((item["text"], sorted(flags[m])))
            continue
        total[item["label"]] += 1
        for m in METHODS:
            right[m][item["label"]] += item["label"] in flags[m]
        if item["label"] not in flags[METHODS[-1]]:
            missed.append((item["label"], item["text"], sorted(flags[METHODS[-1]])))
    print(f"{'right category':24} " + " ".join(f"{m:>16}" for m in METHODS))
    for category in sorted(total):
        print(f"{category:24} " + " ".join(f"{right[m][category]:>11}/{total[category]:<4}" for m in METHODS))
    n = sum(total.values())
    print(f"{'recall':24} " + " ".join(f"{sum(right[m].values()) / n:>16.2f}" for m in METHODS))
    negatives = sum(1 for item in items if item["label"] is None)
    print(f"{'false alarms':24} " + " ".join(f"{len(alarms[m]):>11}/{negatives:<4}" for m in METHODS))
    if "-v" in sys.argv:
        for label, text, flags in missed:
            print(f"  missed {label}: {text!r} -> {flags}")
        for text, flags in alarms[METHODS[-1]]:
            print(f"  false alarm {flags}: {text!r}")
    if not files:
        windows(classifier)
    return 0


def windows(classifier) -> None:
    """Every dialogue-window set, two speakers and one."""
    for path in sorted(WINDOWS.glob("*.jsonl")):
        gold = read_lines(path)
        for one_speaker in (False, True):
            print(f"\n== {path.name}, {'every turn one speaker' if one_speaker else 'speakers as labelled'}")
            print("\n".join(report(score(gold, [predict(item, classifier, one_speaker) for item in gold]))))


if __name__ == "__main__":
    sys.exit(main())
