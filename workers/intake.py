"""Taking a dropped recording: check where it is and what it is, move it into the store, register the job.

A file is taken only once the watcher has seen it unchanged (:mod:`workers.watcher`). It is moved out of
the inbox at once, so nothing stays readable there: into ``store/<job-id>/recording`` (owner-only) when it is
a regular file in an officer's folder, into the quarantine with a one-line reason otherwise. Every regular
file becomes a job, bad ones too (their error is recorded on the job when the worker finds it), except a
second drop of the same recording, which is quarantined as a duplicate of the first job.

An optional sidecar ``NAME.json`` (or ``NAME.ext.json``) beside the recording gives the speaker count,
``overnight``, and deny-list and keep-name terms; it is read into the registry and deleted.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transcribe.files import sha256_file
from transcribe.options import SpeakerHints

from .folders import OVERNIGHT_FOLDER, UNKNOWN_OWNER, DataFolders, is_officer_name, move, safe_display_name
from .registry import JobView, Registry, new_job_id
from .settings import ServiceSettings

logger = logging.getLogger(__name__)

INTAKE_RECORD = "intake.json"  # beside the stored recording until the job is registered (crash recovery)


class Sidecar(BaseModel):
    """What an officer may say about a recording in ``NAME.json``."""

    model_config = ConfigDict(extra="forbid")

    speakers: int | None = Field(default=None, ge=1, le=20)
    min_speakers: int | None = Field(default=None, ge=1, le=20)
    max_speakers: int | None = Field(default=None, ge=1, le=20)
    overnight: bool = False
    deny: list[str] = Field(default_factory=list, max_length=200)
    keep_names: list[str] = Field(default_factory=list, max_length=200)

    def options(self) -> dict:
        """The job's ``options`` (validated speaker hints; terms without blanks)."""
        SpeakerHints(self.speakers, self.min_speakers, self.max_speakers)
        return {"num_speakers": self.speakers, "min_speakers": self.min_speakers, "max_speakers": self.max_speakers,
                "deny_list": [t.strip() for t in self.deny if t.strip()],
                "keep_names": [t.strip() for t in self.keep_names if t.strip()]}


class Refused(Exception):
    """A dropped file that cannot become a job (a link, a file outside an officer's folder, a bad sidecar).

    ``move`` is what goes to the quarantine: the file itself, or the link it was reached through (a file
    behind a link is outside the inbox and is never touched).
    """

    def __init__(self, reason: str, move: Path | None = None):
        super().__init__(reason)
        self.move = move


@dataclass(frozen=True)
class Taken:
    job: JobView | None  # None: quarantined without a job
    created: bool
    quarantined: Path | None = None


def sidecar_of(path: Path) -> Path | None:
    """``NAME.ext.json`` or ``NAME.json`` beside a recording, if present."""
    for candidate in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        try:
            if candidate != path and candidate.is_file() and not candidate.is_symlink():
                return candidate
        except OSError:  # the name with .json added is too long for the file system: no sidecar
            continue
    return None


class Intake:
    """Takes dropped files for the watcher, ``transcribe batch`` and the web app's uploads."""

    def __init__(self, settings: ServiceSettings, folders: DataFolders, registry: Registry,
                 dispatch: Callable[[JobView], None], actor: str = "watcher"):
        self.settings, self.folders, self.registry = settings, folders, registry
        self.dispatch, self.actor = dispatch, actor

    def locate(self, path: Path) -> tuple[str, bool]:
        """(owner, overnight) of a file in the inbox.

        Raises:
            Refused: not inside an officer's folder (or its overnight/ folder), or reached through a link.
        """
        parts = path.relative_to(self.folders.inbox).parts
        folder = self.folders.inbox
        for part in parts[:-1]:  # first: no folder on the way may be a link (out of the inbox)
            folder = folder / part
            if folder.is_symlink() or not folder.is_dir():
                raise Refused("the inbox folder is a link; links are not followed", move=folder)
        owner = parts[0] if len(parts) > 1 else UNKNOWN_OWNER
        if len(parts) == 1:
            raise Refused("files go in a folder named after the officer's account, inbox/<account>/")
        if not is_officer_name(owner):
            raise Refused("the inbox folder's name is not an account name (lower-case letters, digits, . _ -)")
        if len(parts) > 3 or (len(parts) == 3 and parts[1] != OVERNIGHT_FOLDER):
            raise Refused(f"only inbox/{owner}/ and inbox/{owner}/{OVERNIGHT_FOLDER}/ are read")
        return owner, len(parts) == 3

    def take(self, path: Path, owner: str | None = None, overnight: bool = False, name: str | None = None,
             options: dict | None = None) -> Taken:
        """Take one file: from the inbox (``owner`` from its folder), or handed over with its ``owner``
        (``transcribe batch``, uploads: ``options`` as a sidecar's). Never raises for a bad file: it is
        quarantined with the reason."""
        name = name or path.name
        try:
            if owner is None:
                owner, overnight = self.locate(path)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                raise Refused("symbolic links are not accepted: drop the recording itself")
            if not stat.S_ISREG(info.st_mode):
                raise Refused("not a regular file")
            sidecar = None if options is not None else sidecar_of(path)
            if sidecar is not None or options is None:
                options, overnight = self._read_sidecar(sidecar, overnight)
        except Refused as e:
            moved = e.move or path
            return Taken(None, False, self._quarantine(moved, owner or UNKNOWN_OWNER, str(e),
                                                       name if moved == path else moved.name))
        except FileNotFoundError:
            return Taken(None, False)  # gone meanwhile (moved or deleted by its owner): nothing to take
        job_id = new_job_id()
        stored = self.folders.recording(job_id)
        move(path, stored, mode=0o600)
        if sidecar is not None:
            sidecar.unlink(missing_ok=True)
        record = {"owner": owner, "display_name": safe_display_name(name), "overnight": overnight,
                  "options": options}
        (stored.parent / INTAKE_RECORD).write_text(json.dumps(record))
        return self._register(job_id, record)

    def _read_sidecar(self, sidecar: Path | None, overnight: bool) -> tuple[dict, bool]:
        if sidecar is None:
            return {}, overnight
        try:
            parsed = Sidecar.model_validate_json(sidecar.read_bytes())
            return parsed.options(), overnight or parsed.overnight
        except (ValidationError, ValueError) as e:
            first = e.errors()[0] if isinstance(e, ValidationError) else {"loc": (), "msg": str(e)}
            where = ".".join(str(p) for p in first["loc"])
            raise Refused(f"the sidecar .json file is not valid ({where + ': ' if where else ''}{first['msg']}); "
                          "fix it and drop both files again") from e

    def _register(self, job_id: str, record: dict) -> Taken:
        stored = self.folders.recording(job_id)
        size = stored.stat().st_size
        job, created = self.registry.add_job(
            self.actor, job_id=job_id, owner=record["owner"], display_name=record["display_name"],
            sha256=sha256_file(stored), size_bytes=size, overnight=record["overnight"], options=record["options"])
        if not created:
            target = self.folders.quarantine_file(
                stored, record["owner"], f"the same recording was already received as job {job.id} ({job.state})",
                name=record["display_name"])
            _remove_store(stored.parent)
            return Taken(job, False, target)
        (stored.parent / INTAKE_RECORD).unlink(missing_ok=True)
        if size > self.settings.max_file_mb * 1e6:
            from .execution import fail_input  # the same handling as a file the decoder refuses

            fail_input(self.registry, self.folders, job, self.actor,
                       f"the file is larger than the limit of {self.settings.max_file_mb:.0f} MB")
        elif not record["overnight"]:
            self.dispatch(job)
        return Taken(job, True)

    def recover(self) -> int:
        """Register recordings moved into the store whose registration a crash interrupted; returns how many."""
        count = 0
        for record_path in sorted(self.folders.store.glob(f"*/{INTAKE_RECORD}")):
            job_id = record_path.parent.name
            if self.registry.get(job_id) is None and self.folders.recording(job_id).is_file():
                self._register(job_id, json.loads(record_path.read_text()))
                count += 1
        return count

    def refuse(self, path: Path, reason: str) -> Path | None:
        """Quarantine a file from the inbox that is not to be taken (a sidecar left without its recording)."""
        try:
            owner, _ = self.locate(path)
        except Refused:
            owner = UNKNOWN_OWNER
        return self._quarantine(path, owner, reason, path.name)

    def _quarantine(self, path: Path, owner: str, reason: str, name: str) -> Path | None:
        try:
            target = self.folders.quarantine_file(path, owner, reason, name=name)
        except OSError as e:
            logger.warning("could not quarantine a refused file: %s", e.strerror)
            return None
        self.registry.record(self.actor, "file.quarantined", None, {"owner": owner, "reason": reason})
        logger.info("refused a dropped file from %s: %s", owner, reason)
        return target


def _remove_store(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    os.rmdir(folder)
