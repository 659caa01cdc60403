"""Opt-in officer voice profiles: enrol once from an officer's own recording, recognise them afterwards.

A profile is one CAM++ speaker embedding (192 numbers, no audio, no text) stored as
``<profiles dir>/<officer id>.json`` readable by the owner only, and deleted with :func:`delete_profile`.
When profiles exist, a diarised speaker whose voice is close enough to one of them is labelled the
officer with that id, overriding the guess from what was said (but never a reviewer's relabel).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..files import write_private
from ..records import Speaker

# Cosine similarity of CAM++ centroids above which two voices are taken to be the same person.
MATCH_THRESHOLD = 0.6
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class VoiceProfile:
    officer_id: str
    embedding: list[float]
    enrolled_at: str
    source_sha256: str


def _path(directory: Path, officer_id: str) -> Path:
    if not _ID.match(officer_id):
        raise ValueError("officer id must be 1-64 letters, digits, '.', '_' or '-' (it names a file)")
    return Path(directory) / f"{officer_id}.json"


def save_profile(directory: Path, profile: VoiceProfile) -> Path:
    """Store a profile (0600, atomically) and return its path."""
    path = _path(directory, profile.officer_id)
    Path(directory).mkdir(parents=True, exist_ok=True, mode=0o700)
    write_private(path, json.dumps(profile.__dict__).encode())
    return path


def load_profiles(directory: Path) -> list[VoiceProfile]:
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return [VoiceProfile(**json.loads(p.read_text())) for p in sorted(directory.glob("*.json"))]


def delete_profile(directory: Path, officer_id: str) -> bool:
    """Delete an officer's profile; True if there was one."""
    path = _path(directory, officer_id)
    if path.exists():
        path.unlink()
        return True
    return False


def enrol(directory: Path, officer_id: str, embeddings: dict[str, list[float]], talk_time: dict[str, float],
          source_sha256: str, speaker: str | None = None) -> VoiceProfile:
    """Make a profile from one speaker of a diarised recording (default: the one who talks most).

    Raises:
        ValueError: no usable voice, or the named speaker is not in the recording.
    """
    if not embeddings:
        raise ValueError("no speaker voice could be measured in this recording (too little speech?)")
    chosen = speaker or max(embeddings, key=lambda s: talk_time.get(s, 0.0))
    if chosen not in embeddings:
        raise ValueError(f"no speaker {chosen!r} in this recording; speakers are {sorted(embeddings)}")
    profile = VoiceProfile(officer_id, embeddings[chosen], datetime.now(UTC).isoformat(timespec="seconds"),
                           source_sha256)
    save_profile(directory, profile)
    return profile


def similarity(a: list[float], b: list[float]) -> float:
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.linalg.norm(x) * np.linalg.norm(y)
    return float(x @ y / denominator) if denominator else 0.0


def identify_officers(speakers: list[Speaker], embeddings: dict[str, list[float]],
                      profiles: list[VoiceProfile], threshold: float = MATCH_THRESHOLD) -> list[Speaker]:
    """Label as officer any speaker whose voice matches an enrolled profile (best match per profile)."""
    result = list(speakers)
    for profile in profiles:
        scored = [(similarity(embeddings[s.id], profile.embedding), i) for i, s in enumerate(result)
                  if s.id in embeddings and s.role_source != "person"]
        if not scored:
            continue
        best, index = max(scored)
        if best >= threshold:
            result[index] = replace(result[index], role="officer", name=profile.officer_id,
                                    role_confidence=round(best, 2), role_source="voice")
            # Whoever else was guessed to be the officer from the words becomes the person on probation.
            for i, s in enumerate(result):
                if i != index and s.role == "officer" and s.role_source == "auto":
                    result[i] = replace(s, role="person_on_probation")
    return result
