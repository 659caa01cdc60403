"""Score a pipeline run on a synthesised supervision session against the script's expected CRISSA facts."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

SESSIONS = Path(__file__).parent / "data" / "sessions"
ROLE_OF = {"O": "officer", "P": "person_on_probation"}


def load_sessions() -> list[dict]:
    return json.loads((SESSIONS / "scripts.json").read_text())["sessions"]


def _norm(text: str | None) -> str:
    text = (text or "").lower().replace("’", "'").replace(",", " ")
    text = re.sub(r"\b([ap])\s?\.?\s?m\b\.?", r"\1m", text)
    text = re.sub(r"\s*o\s*'\s*clock", " o'clock", text)
    text = re.sub(r"(\d)\s*(am|pm)\b", r"\1 \2", text)
    text = re.sub(r"\b(?:on|the|next)\s+", "", text)
    for word, digit in (("one", "1"), ("two", "2"), ("three", "3"), ("four", "4"), ("five", "5"), ("six", "6"),
                        ("seven", "7"), ("eight", "8"), ("nine", "9"), ("ten", "10"), ("eleven", "11"),
                        ("twelve", "12")):
        text = re.sub(rf"\b{word}\b", digit, text)
    for n, word in enumerate(("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                              "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                              "seventeenth", "eighteenth", "nineteenth", "twentieth"), 1):
        text = re.sub(rf"\b{word}\b", str(n), text)
    text = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", text)  # "monday 6" = "monday 6th" = "monday sixth"
    text = re.sub(r"\bquarter past (\d{1,2})\b", r"\1:15", text)
    text = re.sub(r"\bhalf past (\d{1,2})\b", r"\1:30", text)
    for word, minutes in (("fifteen", "15"), ("thirty", "30"), ("forty five", "45")):  # "ten thirty" = "10:30"
        text = re.sub(rf"\b(\d{{1,2}}) {word}\b", rf"\1:{minutes}", text.replace("forty-five", "forty five"))
    text = re.sub(r"\b(\d{1,2}) ?[.:] ?(\d{2})\b", r"\1:\2", text)
    return re.sub(r"\s+", " ", text).strip(" .,")


def _squash(text: str) -> str:
    """Compare words without spaces: speech recognition writes "pay slip" for "payslip", "key worker"...
    Possessives are left out: the note's "ring the person on probation's mum" is the script's "ring your mum"."""
    text = re.sub(r"\b(?:your|my|their|his|her|the person on probation's|the officer's)\b", "", text.lower())
    return re.sub(r"[^a-z0-9]", "", text.replace("practise", "practice"))


def score(session: dict, transcript) -> dict:
    """Recall of expected actions and risk flags, exact appointment, and role accuracy by talk time."""
    summary = transcript.summary
    expected = session["expected"]
    actions = [asdict(a) for a in summary.actions]
    found_actions = [e for e in expected["actions"] if action_found(e, actions)]
    categories = {f.category for f in summary.risk_flags}  # either tier
    disclosed = {f.category for f in summary.risk_flags if f.tier == "disclosed"}
    found_flags = [c for c in expected["risk_flags"] if c in categories]
    # Domestic abuse is violence too: "I grabbed her arm" flagged as violence is not a false alarm there.
    # 'risk_flags_also_acceptable': a flag the script's writer did not ask for but a reviewer accepts.
    acceptable = set(expected["risk_flags"]) | set(expected.get("risk_flags_also_acceptable", ())) | (
        {"threats or violence"} if "domestic abuse" in expected["risk_flags"] else set())
    appointment = asdict(summary.appointment) if summary.appointment else {}
    appointment_exact = (_norm(appointment.get("date")) == _norm(expected["appointment"]["date"])
                         and _norm(appointment.get("time")) == _norm(expected["appointment"]["time"]))
    # Whether the recogniser kept the spoken date and time at all ("at nine o'clock" can come out as "at either
    # clock" from the synthetic voice): no extractor can recover words that are not in the transcript.
    heard = _norm(" ".join(seg.text for seg in transcript.segments).replace("-", " "))
    appointment_heard = all(_norm(expected["appointment"][k]) in heard for k in ("date", "time"))
    # Likewise an action whose words the recogniser lost ("debt advice" -> "net advice").
    said = _squash(" ".join(seg.redacted_text for seg in transcript.segments))
    heard_actions = [e for e in expected["actions"] if all(_squash(k) in said for k in e["keywords"])]
    lines = json.loads((SESSIONS / f"{session['id']}.lines.json").read_text())
    roles = {s.id: s.role for s in transcript.speakers}
    right = total = 0.0
    for seg in transcript.segments:
        mid = (seg.start + seg.end) / 2
        truth = next((ROLE_OF[line["role"]] for line in lines if line["start"] - 0.5 <= mid <= line["end"] + 0.5), None)
        if truth:
            total += seg.end - seg.start
            right += (seg.end - seg.start) * (roles.get(seg.speaker) == truth)
    return {
        "id": session["id"], "tuning": session["tuning"],
        "actions": (len(found_actions), len(expected["actions"])),
        "actions_heard": (len([e for e in found_actions if e in heard_actions]), len(heard_actions)),
        "missed_actions": [e for e in expected["actions"] if e not in found_actions],
        "risk_flags": (len(found_flags), len(expected["risk_flags"])),
        # Unexpected categories in the "disclosed" tier, and those only "possible — check the recording".
        "unexpected_flags": sorted(disclosed - acceptable),
        "unexpected_possible": sorted(categories - disclosed - acceptable),
        "appointment_exact": appointment_exact, "appointment_heard": appointment_heard, "appointment": appointment,
        "themes": (len(set(expected["themes"]) & set(summary.themes)), len(expected["themes"])),
        "themes_reported": len(summary.themes),
        "themes_acceptable": len(set(summary.themes) & set(expected["themes"] + expected["themes_also_discussed"])),
        "extra_themes": sorted(set(summary.themes) - set(expected["themes"] + expected["themes_also_discussed"])),
        "role_accuracy": right / total if total else 0.0,
    }


def group_scores(rows: list[dict]) -> dict[str, float]:
    """Pooled recall of actions, risk flags and themes, theme precision, and exact appointments over sessions."""
    def ratio(found: int, total: int) -> float:
        return found / total if total else 1.0

    return {
        "action_recall": ratio(sum(r["actions"][0] for r in rows), sum(r["actions"][1] for r in rows)),
        "action_recall_heard": ratio(sum(r["actions_heard"][0] for r in rows), sum(r["actions_heard"][1] for r in rows)),
        "flag_recall": ratio(sum(r["risk_flags"][0] for r in rows), sum(r["risk_flags"][1] for r in rows)),
        "unexpected_flags": sum(len(r["unexpected_flags"]) for r in rows),
        "unexpected_possible": sum(len(r["unexpected_possible"]) for r in rows),
        "theme_recall": ratio(sum(r["themes"][0] for r in rows), sum(r["themes"][1] for r in rows)),
        "theme_precision": ratio(sum(r["themes_acceptable"] for r in rows), sum(r["themes_reported"] for r in rows)),
        "appointments_exact": sum(r["appointment_exact"] for r in rows),
    }


def spoken(lines: list[tuple[str, str]]):
    """A role-labelled transcript of written lines (``("O" | "P", text)``), for scoring text without audio."""
    from transcribe.records import Segment, Source, Speaker, Transcript

    segments = [Segment(3.0 * n, 3.0 * n + 2, role, text, [], redacted_text=text) for n, (role, text) in enumerate(lines)]
    speakers = [Speaker(role, 2.0, role=ROLE_OF[role]) for role in ROLE_OF]
    return Transcript(Source("x.wav", "0" * 64, 3.0 * len(lines)), "en", {}, speakers, [], segments)


def action_found(expected: dict, actions: list[dict]) -> bool:
    """Whether one of ``actions`` (``asdict`` of the summary's actions) has the expected owner and all its keywords."""
    return any(a["owner"] == expected["owner"] and all(_squash(k) in _squash(a["text"]) for k in expected["keywords"])
               for a in actions)
