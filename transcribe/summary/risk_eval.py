"""Risk flags on labelled dialogue windows: predictions in a stable format, and their scores.

Gold lines: ``{"id", "turns": [{"speaker": "officer"|"person", "text"}, ...]}``, optionally with
``"categories"`` (what the window discloses) and ``"kind"`` (``"disclosure"`` or ``"near_miss"``); other
fields are ignored. Prediction lines: ``{"id", "categories": [...], "tiers": {category: "disclosed"|"possible"}}``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..records import Segment, Source, Speaker, Transcript
from .risk_classifier import read_lines
from .risk_cues import CATEGORIES
from .risk_flags import DISCLOSED, extract_risk_flags
from .roles import OFFICER, PERSON_ON_PROBATION, assign_roles

_ROLES = {"officer": OFFICER, "person": PERSON_ON_PROBATION}


def window_transcript(turns: list[dict], one_speaker: bool = False) -> Transcript:
    """A transcript of written turns, the speakers' roles as labelled; or, with ``one_speaker``, every turn
    given to one speaker whose role is then inferred, as when diarisation fails to separate two voices."""
    segments, speakers = [], {}
    for n, turn in enumerate(turns):
        sid = "SPEAKER_00" if one_speaker else f"SPEAKER_{turn['speaker'].upper()}"
        speakers.setdefault(sid, Speaker(sid, 0.0, role=None if one_speaker else _ROLES.get(turn["speaker"])))
        segments.append(Segment(3.0 * n, 3.0 * n + 2.5, sid, turn["text"], [], redacted_text=turn["text"]))
    transcript = Transcript(Source("window.wav", "0" * 64, 3.0 * len(turns)), "en", {}, list(speakers.values()), [],
                            segments)
    if one_speaker:
        transcript.speakers = assign_roles(transcript)
    return transcript


def predict(item: dict, classifier=None, one_speaker: bool = False) -> dict:
    """One prediction line for one gold line."""
    flags = extract_risk_flags(window_transcript(item["turns"], one_speaker), classifier)
    tiers: dict[str, str] = {}
    for f in flags:
        if tiers.get(f.category) != DISCLOSED:
            tiers[f.category] = f.tier
    return {"id": item["id"], "categories": sorted(tiers), "tiers": dict(sorted(tiers.items()))}


def predict_file(gold: Path, out: Path, classifier=None, one_speaker: bool = False) -> list[dict]:
    """Write one prediction line per gold line; returns the predictions."""
    predictions = [predict(item, classifier, one_speaker) for item in read_lines(gold)]
    Path(out).write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    return predictions


@dataclass
class RiskScores:
    """Recall per category (either tier and "disclosed" alone), false alarms on near misses, precision."""

    disclosures: Counter = field(default_factory=Counter)  # category -> windows disclosing it
    found: Counter = field(default_factory=Counter)  # category -> found in either tier
    found_disclosed: Counter = field(default_factory=Counter)
    near_misses: int = 0
    false_alarms: int = 0  # near misses with any flag
    false_alarms_disclosed: int = 0
    flagged: int = 0  # predicted (window, category) pairs
    flagged_right: int = 0

    def recall(self, category: str | None = None, tier: str | None = None) -> float:
        found = self.found_disclosed if tier == DISCLOSED else self.found
        cats = [category] if category else list(CATEGORIES)
        total = sum(self.disclosures[c] for c in cats)
        return sum(found[c] for c in cats) / total if total else float("nan")

    @property
    def precision(self) -> float:
        return self.flagged_right / self.flagged if self.flagged else float("nan")


def score(gold: Iterable[dict], predictions: Iterable[dict]) -> RiskScores:
    by_id = {p["id"]: p for p in predictions}
    s = RiskScores()
    for item in gold:
        predicted = by_id.get(item["id"], {"categories": [], "tiers": {}})
        expected = set(item.get("categories") or [])
        got = set(predicted["categories"])
        disclosed = {c for c, t in predicted.get("tiers", {}).items() if t == DISCLOSED}
        if item.get("kind") == "near_miss" or not expected:
            s.near_misses += 1
            s.false_alarms += bool(got)
            s.false_alarms_disclosed += bool(disclosed)
        for c in expected:
            s.disclosures[c] += 1
            s.found[c] += c in got
            s.found_disclosed[c] += c in disclosed
        s.flagged += len(got)
        s.flagged_right += len(got & expected)
    return s


def report(s: RiskScores) -> list[str]:
    """The scores as printable lines."""
    lines = [f"{'category':22s} {'windows':>7s} {'either tier':>11s} {'disclosed':>9s}"]
    for c in CATEGORIES:
        if s.disclosures[c]:
            lines.append(f"{c:22s} {s.disclosures[c]:7d} {s.recall(c):11.2f} {s.recall(c, DISCLOSED):9.2f}")
    lines.append(f"{'all categories':22s} {sum(s.disclosures.values()):7d} {s.recall():11.2f} "
                 f"{s.recall(tier=DISCLOSED):9.2f}")
    if s.near_misses:
        lines.append(f"false alarms on {s.near_misses} near misses: {s.false_alarms} "
                     f"({s.false_alarms / s.near_misses:.0%}), 'disclosed' tier {s.false_alarms_disclosed} "
                     f"({s.false_alarms_disclosed / s.near_misses:.0%})")
    lines.append(f"precision of flagged categories: {s.precision:.2f} ({s.flagged_right}/{s.flagged})")
    return lines
