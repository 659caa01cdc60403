"""`make bench-actions`: the action extractor on short written utterances, without speech recognition.

`tests/data/action_development.json` was written by a separate writer who never saw the extractor: tasks
and commitments in many phrasings, each with its owner and keywords, and near-misses (questions asking for
information, conditional advice, reviews of past tasks, small talk). Prints recall by speaker and owner and
the near-misses taken as actions.

Usage: python benchmarks/bench_actions.py [FILE] [-v]   (-v lists misses)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from summary_quality import action_found, spoken  # noqa: E402

from transcribe.summary.actions import extract_actions  # noqa: E402

DEVELOPMENT = Path(__file__).resolve().parent.parent / "tests" / "data" / "action_development.json"


def main() -> int:
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    items = json.loads(Path(files[0] if files else DEVELOPMENT).read_text())["utterances"]
    found, total, missed, alarms = Counter(), Counter(), [], []
    for item in items:
        actions = [asdict(a) for a in extract_actions(spoken([(item["speaker"], item["text"])]))]
        if item["owner"] is None:
            if actions:
                alarms.append((item["text"], [a["text"] for a in actions]))
            continue
        group = f"{item['speaker']} -> {item['owner']}"
        total[group] += 1
        if action_found(item, actions):
            found[group] += 1
        else:
            missed.append((group, item["text"], [(a["owner"], a["text"]) for a in actions]))
    for group in sorted(total):
        print(f"{group:28} {found[group]:>3}/{total[group]}")
    n = sum(total.values())
    print(f"{'all':28} {sum(found.values()):>3}/{n}   recall {sum(found.values()) / n:.2f}")
    print(f"near-misses taken as actions: {len(alarms)}/{sum(1 for i in items if i['owner'] is None)}")
    if "-v" in sys.argv:
        for group, text, got in missed:
            print(f"  missed {group}: {text!r} -> {got}")
        for text, got in alarms:
            print(f"  false action: {text!r} -> {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
