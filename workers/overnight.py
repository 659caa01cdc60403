"""The overnight batch: jobs marked overnight wait in the registry until the window opens
(``PT_OVERNIGHT_WINDOW``, default 19:00-07:00, local time); when it closes a morning report is written to
``outbox/_reports/<date>.txt`` (and ``.json``): jobs done, failures with their reasons, the slowest jobs and the
backlog left. Reports hold job ids, owners' account names and figures, never file names or transcript text."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .folders import DataFolders
from .registry import FAILED, QUEUED, RUNNING, SUCCEEDED, WAITING, Registry
from .settings import ServiceSettings

logger = logging.getLogger(__name__)


def local_now(settings: ServiceSettings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone))


def in_window(moment: datetime, window: tuple[time, time]) -> bool:
    """Whether ``moment`` (local time) is inside the window, which may cross midnight."""
    start, end = window
    now = moment.time()
    return start <= now < end if start < end else now >= start or now < end


def last_window(moment: datetime, window: tuple[time, time]) -> tuple[datetime, datetime] | None:
    """The most recent window that has ended by ``moment`` today, or None when today's has not ended yet."""
    start, end = window
    closed = moment.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if moment < closed:
        return None
    opened = closed.replace(hour=start.hour, minute=start.minute)
    if opened >= closed:
        opened -= timedelta(days=1)
    return opened, closed


def report_path(folders: DataFolders, day: date) -> Path:
    return folders.reports / f"{day.isoformat()}.txt"


def morning_report(settings: ServiceSettings, registry: Registry, folders: DataFolders,
                   moment: datetime | None = None) -> Path | None:
    """Write the report of the window that ended today, once; returns its path (None: not due, or done)."""
    moment = moment or local_now(settings)
    window = last_window(moment, settings.window)
    if window is None or report_path(folders, moment.date()).exists():
        return None
    opened, closed = window
    finished = [j for j in registry.jobs(states=(SUCCEEDED, FAILED))
                if j.finished_at and opened <= j.finished_at.astimezone(opened.tzinfo) < closed]
    failures = [j for j in finished if j.state == FAILED]
    done = [j for j in finished if j.state == SUCCEEDED]
    slowest = sorted(done, key=lambda j: j.timings.get("total", 0.0), reverse=True)[:5]
    backlog = registry.counts()
    data = {
        "window": [opened.isoformat(timespec="minutes"), closed.isoformat(timespec="minutes")],
        "succeeded": len(done), "failed": len(failures),
        "audio_hours": round(sum(j.duration_s or 0.0 for j in done) / 3600, 2),
        "failures": [{"job": j.id, "owner": j.owner, "error": j.error} for j in failures],
        "slowest": [{"job": j.id, "owner": j.owner, "audio_s": j.duration_s, "seconds": j.timings.get("total")}
                    for j in slowest],
        "backlog": {state: backlog[state] for state in (WAITING, QUEUED, RUNNING)},
    }
    lines = [f"Overnight batch {data['window'][0]} to {data['window'][1]}",
             f"Succeeded: {len(done)} ({data['audio_hours']} hours of audio)   Failed: {len(failures)}",
             f"Backlog left: {data['backlog'][WAITING]} waiting, {data['backlog'][QUEUED]} queued, "
             f"{data['backlog'][RUNNING]} running", "", "Failures:"]
    lines += [f"  {f['job']} ({f['owner']}): {f['error']}" for f in data["failures"]] or ["  none"]
    lines += ["", "Slowest jobs:"]
    lines += [f"  {s['job']} ({s['owner']}): {s['audio_s'] or 0:.0f} s of audio in {s['seconds'] or 0:.0f} s"
              for s in data["slowest"]] or ["  none"]
    path = report_path(folders, moment.date())
    folders.reports.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n")
    path.write_text("\n".join(lines) + "\n")
    registry.record("beat", "report.written", None, {"day": moment.date().isoformat(), "succeeded": len(done),
                                                     "failed": len(failures)})
    logger.info("morning report: %d succeeded, %d failed, backlog %s", len(done), len(failures), data["backlog"])
    return path
