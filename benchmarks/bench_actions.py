"""`make bench-actions`: the action extractor on short written utterances, without speech recognition.

`tests/data/action_development.json` was written by a separate writer who never saw the extractor: tasks
and commitments in many phrasings, each with its owner and keywords, and near-misses (questions asking for
information, conditional advice, reviews of past tasks, small talk). `benchmarks/data/actions/heldout_b.json`
was written the same way by another writer and is kept out of the tuning loop (benchmarks/HELDOUT.md); its
items may name a second action (``also``). Prints recall by speaker and owner, the near-misses taken as
actions, and precision: of all the actions extracted, those with an expected owner and keywords.

Usage: python benchmarks/bench_actions.py [FILE ...] [-v]   (-v lists misses and false actions)
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
HELD_OUT = Path(__file__).resolve().parent / "data" / "actions" / "heldout_b.json"


def report(path: Path, verbose: bool) -> None:
    items = json.loads(path.read_text())["utterances"]
    found, total, missed, alarms, wrong = Counter(), Counter(), [], [], []
    extracted = right = 0
    for item in items:
        actions = [asdict(a) for a in extract_actions(spoken([(item["speaker"], item["text"])]))]
        expected = [e for e in (item, item.get("also")) if e and e["owner"]]
        extracted += len(actions)
        for action in actions:
            if any(action_found(e, [action]) for e in expected):
                right += 1
            else:
                (wrong if expected else alarms).append((item["text"], action["owner"], action["text"]))
        if not expected:
            continue
        group = f"{item['speaker']} -> {item['owner']}"
        total[group] += 1
        if action_found(item, actions):
            found[group] += 1
        else:
            missed.append((group, item["text"], [(a["owner"], a["text"]) for a in actions]))
    print(path.name)
    for group in sorted(total):
        print(f"  {group:28} {found[group]:>3}/{total[group]}")
    n = sum(total.values())
    print(f"  {'all':28} {sum(found.values()):>3}/{n}   recall {sum(found.values()) / n:.2f}")
    print(f"  near-misses taken as actions: {len({text for text, *_ in alarms})}/"
          f"{sum(1 for i in items if i['owner'] is None)}")
    print(f"  precision {right / max(extracted, 1):.2f} ({right} of {extracted} extracted actions expected; "
          f"{len(alarms)} from near-misses, {len(wrong)} wrong owner or words)")
    if verbose:
        for group, text, got in missed:
            print(f"    missed {group}: {text!r} -> {got}")
        for text, owner, got in alarms + wrong:
            print(f"    false action: {text!r} -> {owner}: {got!r}")


def main() -> int:
    files = [Path(a) for a in sys.argv[1:] if not a.startswith("-")] or [DEVELOPMENT, HELD_OUT]
    for path in files:
        report(path, "-v" in sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
