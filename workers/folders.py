"""The data folder's layout, and moving files safely between its parts.

File names can carry a person's name: they stay in the registry, in the inbox and in the quarantine (where the
officer must recognise their file), never in store/, work/ or outbox/ folder names, logs or metrics.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from datetime import date
from pathlib import Path

OFFICER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # a plain account name, as the web app's users
OVERNIGHT_FOLDER = "overnight"
UNKNOWN_OWNER = "_unknown"
REPORTS = "_reports"
RECORDING = "recording"  # the stored file's name: the original name is the registry's only
# Names that mean "still being written": browsers', rsync's and editors' temporary files.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp", ".filepart")
_NAME_MAX_BYTES = 255


def is_officer_name(name: str) -> bool:
    return bool(OFFICER_NAME.match(name))


def is_partial(name: str) -> bool:
    """Dot files and temporary names are never taken."""
    return name.startswith(".") or name.lower().endswith(PARTIAL_SUFFIXES) or name.startswith("~$")


def safe_display_name(name: str) -> str:
    """The original file name as the registry keeps it: NFC, no control characters, at most 255 bytes."""
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    return _truncate(name.replace("/", "_").strip() or "recording", _NAME_MAX_BYTES)


def _truncate(name: str, max_bytes: int) -> str:
    while len(name.encode()) > max_bytes:
        name = name[:-1]
    return name


class DataFolders:
    """Paths under the service's data folder (see :mod:`workers.settings` for the layout)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.inbox, self.store, self.work = self.root / "inbox", self.root / "store", self.root / "work"
        self.outbox, self.quarantine = self.root / "outbox", self.root / "quarantine"
        self.reports, self.redis, self.beat = self.outbox / REPORTS, self.root / "redis", self.root / "beat"

    def create(self) -> None:
        """Make every folder; those holding recordings or unredacted text are owner-only."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o750)
        for path in (self.store, self.work, self.quarantine, self.redis, self.beat):
            path.mkdir(exist_ok=True, mode=0o700)
        for path in (self.inbox, self.outbox, self.reports):
            path.mkdir(parents=True, exist_ok=True, mode=0o750)

    def inbox_of(self, owner: str) -> Path:
        return self.inbox / owner

    def store_dir(self, job_id: str) -> Path:
        return self.store / job_id

    def recording(self, job_id: str) -> Path:
        return self.store / job_id / RECORDING

    def work_dir(self, job_id: str) -> Path:
        return self.work / job_id

    def outbox_dir(self, owner: str, job_id: str, day: date) -> Path:
        return self.outbox / owner / f"{day.isoformat()}_{job_id}"

    def relative(self, path: Path) -> str:
        return str(Path(path).relative_to(self.root))

    # -- quarantine ------------------------------------------------------------------------------------------
    def quarantine_path(self, owner: str, name: str) -> Path:
        """Where a bad file goes: ``quarantine/<owner>/<name>``, the name shortened to leave room for
        ``.error.txt`` and made unique (``name (2)``) so nothing already there is overwritten."""
        folder = self.quarantine / (owner if is_officer_name(owner) else UNKNOWN_OWNER)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = safe_display_name(name)
        stem, suffix = os.path.splitext(name)
        room = _NAME_MAX_BYTES - len(".error.txt") - len(" (999)")
        if len(name.encode()) > room:
            digest = hashlib.sha256(name.encode()).hexdigest()[:8]
            stem = _truncate(stem, room - len(suffix.encode()) - 9) + "~" + digest
            name = stem + suffix
        candidate, n = folder / name, 1
        while candidate.exists() or candidate.is_symlink() or _error_file(candidate).exists():
            n += 1
            candidate = folder / f"{stem} ({n}){suffix}"
        return candidate

    def quarantine_file(self, path: Path, owner: str, reason: str, name: str | None = None) -> Path:
        """Move ``path`` (a file or a link, never followed) into the quarantine with ``NAME.error.txt``
        holding ``reason`` on one line; returns the new path."""
        target = self.quarantine_path(owner, name or path.name)
        _error_file(target).write_text(reason.replace("\n", " ").strip() + "\n", encoding="utf-8")
        _move(path, target)
        return target


def _error_file(path: Path) -> Path:
    return path.with_name(path.name + ".error.txt")


def _move(source: Path, target: Path) -> None:
    """Rename, or copy and delete across file systems (links are moved as links)."""
    try:
        os.rename(source, target)
    except OSError as e:
        if e.errno != 18:  # EXDEV: another file system
            raise
        shutil.move(str(source), str(target))


def move(source: Path, target: Path, mode: int | None = None) -> None:
    """Move a file into place, creating the target's folder owner-only, optionally setting its mode."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _move(source, target)
    if mode is not None:
        os.chmod(target, mode)
