"""What the service is doing, for ``transcribe status`` and (later) the web app's ``/metrics``: jobs by state,
queue depths, workers answering, per-stage durations and recent jobs. Account names, job ids and figures
only: no file names, no transcript text."""

from __future__ import annotations

from statistics import median

from .registry import SUCCEEDED, Registry
from .settings import ServiceSettings

STAGE_KEYS = ("queue_wait", "decode", "asr", "diarise", "align", "redact", "summarise", "render", "total")


def stage_durations(registry: Registry, last: int = 200) -> dict[str, dict[str, float]]:
    """Median and maximum seconds of each stage over the last ``last`` succeeded jobs."""
    jobs = registry.jobs(states=(SUCCEEDED,), limit=last)
    figures = {}
    for key in STAGE_KEYS:
        values = [j.timings[key] for j in jobs if key in j.timings]
        if values:
            figures[key] = {"median_s": round(median(values), 3), "max_s": round(max(values), 3), "jobs": len(values)}
    return figures


def collect(settings: ServiceSettings, registry: Registry, limit: int = 10) -> dict:
    from .broker import broker_url, queue_lengths
    from .celery_app import QUEUES, app

    try:
        queues = queue_lengths(broker_url(settings), QUEUES)
        workers = sorted(app.control.inspect(timeout=1.0).ping() or {})
    except Exception:  # noqa: BLE001 (the broker is down: the registry still answers)
        queues, workers = {}, []
    recent = [{"id": j.id, "owner": j.owner, "state": j.state, "stage": j.stage, "progress": j.progress,
               "stage_progress": j.stage_progress, "attempts": j.attempts, "error": j.error,
               "created_at": j.created_at, "finished_at": j.finished_at} for j in registry.jobs(limit=limit)]
    return {"jobs": registry.counts(), "queues": queues, "workers": workers, "recent": recent,
            "stage_durations": stage_durations(registry)}
