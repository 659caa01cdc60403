"""`make bench-risk`: the risk-flag detector on short written utterances it was never tuned on.

`tests/data/risk_utterances.json` was written by a separate writer who never saw the detector's code: 12
disclosures per category and 30 near-misses ("I cut my hair", "I killed it at the interview"). Prints
recall per category, how often the right category was named, and false alarms on the near-misses.

`tests/data/risk_development.json` is a second set by another separate writer (22 disclosures per category, 70
near-misses), the one the cue catalogue is grown from; `tests/test_risk_phrases.py` holds the bar on it.

Usage: python benchmarks/bench_risk.py [FILE] [-v]   (FILE: default the held-out set; -v lists misses)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from transcribe.records import Segment, Source, Transcript, Word
from transcribe.summarise import extract_risk_flags

HELD_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "risk_utterances.json"


def flags_for(text: str) -> set[str]:
    segment = Segment(0.0, 3.0, "SPEAKER_00", text, [Word(0.0, 3.0, text, 1.0, "SPEAKER_00")], redacted_text=text)
    transcript = Transcript(Source("x.wav", "0" * 64, 3.0), "en", {}, [], [], [segment])
    return {f.category for f in extract_risk_flags(transcript)}


def main() -> int:
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    items = json.loads(Path(files[0] if files else HELD_OUT).read_text())["utterances"]
    found, right, total, alarms = Counter(), Counter(), Counter(), []
    missed = []
    for item in items:
        flags = flags_for(item["text"])
        if item["label"] is None:
            if flags:
                alarms.append((item["text"], sorted(flags)))
            continue
        total[item["label"]] += 1
        found[item["label"]] += bool(flags)
        right[item["label"]] += item["label"] in flags
        if item["label"] not in flags:
            missed.append((item["label"], item["text"], sorted(flags)))
    print(f"{'category':24} {'flagged':>8} {'right category':>15}")
    for category in sorted(total):
        print(f"{category:24} {found[category]:>3}/{total[category]:<4} {right[category]:>9}/{total[category]}")
    n = sum(total.values())
    print(f"{'all':24} {sum(found.values()):>3}/{n:<4} {sum(right.values()):>9}/{n}   "
          f"recall (right category) {sum(right.values()) / n:.2f}")
    negatives = sum(1 for item in items if item["label"] is None)
    print(f"false alarms on near-misses: {len(alarms)}/{negatives}")
    if "-v" in sys.argv:
        for label, text, flags in missed:
            print(f"  missed {label}: {text!r} -> {flags}")
        for text, flags in alarms:
            print(f"  false alarm {flags}: {text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
