"""The drop-folder watcher (``transcribe watch``): notices files in ``inbox/<officer>/`` and hands each to
:class:`workers.intake.Intake` once it is fully written.

File-system events (watchdog: inotify on Linux) say where to look; a rescan every ``PT_RESCAN_S`` is the safety
net for events missed (network shares, a restart). A file is taken only when its size and modification time
have not changed for ``PT_STABLE_S`` seconds; dot files and temporary names (``.part``, ``.tmp``,
``.crdownload``...) are never taken: a copy written under a temporary name and renamed is taken after the
rename. A sidecar ``.json`` waits for its recording; one left alone for an hour is quarantined.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .folders import DataFolders, is_partial
from .intake import Intake

logger = logging.getLogger(__name__)

LONE_SIDECAR_S = 3600.0


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # monotonic time when this size and mtime were first seen


class _Events(FileSystemEventHandler):
    def __init__(self, touched: set[Path], lock: threading.Lock):
        self.touched, self.lock = touched, lock

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]
        with self.lock:
            self.touched.update(Path(os.fsdecode(p)) for p in paths if p)


class Watcher:
    """Watches ``folders.inbox``; :meth:`run` until stopped, or :meth:`scan` then :meth:`poll` by hand."""

    def __init__(self, folders: DataFolders, intake: Intake, stable_s: float, rescan_s: float):
        self.folders, self.intake = folders, intake
        self.stable_s, self.rescan_s = stable_s, rescan_s
        self._candidates: dict[Path, _Seen] = {}
        self._touched: set[Path] = set()
        self._lock = threading.Lock()

    def scan(self) -> None:
        """Look at every file under the inbox (links are not followed)."""
        for folder, dirs, files in os.walk(self.folders.inbox, followlinks=False):
            linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
            for name in files + linked:
                self._consider(Path(folder) / name)

    def poll(self) -> int:
        """Take every candidate that has been stable long enough; returns how many were taken."""
        with self._lock:
            touched, self._touched = self._touched, set()
        for path in touched:
            self._consider(path)
        now, taken = time.monotonic(), 0
        for path, seen in list(self._candidates.items()):
            try:
                info = path.lstat()
            except OSError:
                del self._candidates[path]  # moved or deleted meanwhile
                continue
            if (info.st_size, info.st_mtime_ns) != (seen.size, seen.mtime_ns):
                self._candidates[path] = _Seen(info.st_size, info.st_mtime_ns, now)
                continue
            if path.suffix.lower() == ".json" and not path.is_symlink():
                if now - seen.since >= LONE_SIDECAR_S and not _recording_for(path):
                    del self._candidates[path]
                    self.intake.refuse(path, "a sidecar (.json) without its recording: drop the recording with it")
                continue
            if now - seen.since >= self.stable_s:
                del self._candidates[path]
                try:
                    self.intake.take(path)
                    taken += 1
                except Exception as e:  # noqa: BLE001 (the rescan tries again; the watcher keeps watching)
                    # The type only: an OSError's message names the file.
                    logger.warning("could not take a dropped file (%s); it stays for the next rescan", type(e).__name__)
        return taken

    def _consider(self, path: Path) -> None:
        if path in self._candidates or is_partial(path.name) or not _inside(path, self.folders.inbox):
            return
        try:
            info = path.lstat()
        except OSError:
            return
        if os.path.isdir(path) and not path.is_symlink():
            return
        self._candidates[path] = _Seen(info.st_size, info.st_mtime_ns, time.monotonic())

    def run(self, stop: threading.Event, interval_s: float = 0.5) -> None:
        """Watch until ``stop`` is set."""
        self.folders.inbox.mkdir(parents=True, exist_ok=True)
        recovered = self.intake.recover()
        if recovered:
            logger.info("registered %d recording(s) a crash had left in the store", recovered)
        observer = Observer()
        observer.schedule(_Events(self._touched, self._lock), str(self.folders.inbox), recursive=True)
        observer.start()
        try:
            next_scan = 0.0
            while not stop.is_set():
                if time.monotonic() >= next_scan:
                    self.scan()
                    next_scan = time.monotonic() + self.rescan_s
                self.poll()
                stop.wait(interval_s)
        finally:
            observer.stop()
            observer.join()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return path != root


def _recording_for(sidecar: Path) -> bool:
    """Whether a file the sidecar belongs to is beside it (``NAME.json`` for ``NAME.ext``, or ``NAME.ext.json``)."""
    stem = sidecar.name[:-len(".json")]
    return any(p != sidecar and (p.name == stem or p.stem == stem) for p in sidecar.parent.iterdir())
