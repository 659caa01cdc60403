"""Retention: recordings deleted once their job succeeded (after ``PT_RETAIN_AUDIO_DAYS``), outputs and work
files after ``PT_RETAIN_OUTPUT_DAYS``. Every deletion is audited; nothing of a failed job is deleted until a
person acts on it (``transcribe jobs retry``)."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta

from .folders import DataFolders
from .registry import SUCCEEDED, JobView, Registry, utcnow
from .settings import ServiceSettings

logger = logging.getLogger(__name__)


def retention_days(settings: ServiceSettings, registry: Registry) -> tuple[float, float]:
    """(recordings, outputs) days to keep: what an administrator set in the web app, else the settings."""
    overrides = registry.overrides()
    return (overrides.get("retain_audio_days", settings.retain_audio_days),
            overrides.get("retain_output_days", settings.retain_output_days))


def delete_audio(registry: Registry, folders: DataFolders, job_id: str, actor: str, why: str = "retention") -> None:
    """Delete a finished job's stored recording (and its folder in store/)."""
    folder = folders.store_dir(job_id)
    files = [str(p) for p in folder.iterdir()] if folder.is_dir() else []
    shutil.rmtree(folder, ignore_errors=True)
    registry.mark_deleted(job_id, actor, "audio", files, why)


def delete_outputs(registry: Registry, folders: DataFolders, job: JobView, actor: str, why: str = "retention") -> None:
    """Delete a job's documents and work files (its outbox folder and work folder)."""
    paths = [folders.root / rel for rel in job.outputs.values()]
    for folder in {p.parent for p in paths} | {folders.work_dir(job.id)}:
        if job.id in folder.name:  # only the job's own folders, whatever the registry says
            shutil.rmtree(folder, ignore_errors=True)
    registry.mark_deleted(job.id, actor, "outputs", [str(p) for p in paths], why)


def apply_retention(settings: ServiceSettings, registry: Registry, folders: DataFolders, actor: str) -> dict:
    """Delete what the retention periods say is due; returns counts by kind."""
    now = utcnow()
    audio_days, output_days = retention_days(settings, registry)
    audio_due = now - timedelta(days=audio_days)
    outputs_due = now - timedelta(days=output_days)
    counts = {"audio": 0, "outputs": 0}
    for job in registry.jobs(states=(SUCCEEDED,), newest_first=False):
        if job.audio_deleted_at is None and job.finished_at <= audio_due:
            delete_audio(registry, folders, job.id, actor)
            counts["audio"] += 1
        if job.outputs_deleted_at is None and job.finished_at <= outputs_due:
            delete_outputs(registry, folders, job, actor)
            counts["outputs"] += 1
    if any(counts.values()):
        logger.info("retention deleted the recordings of %d job(s) and the outputs of %d", counts["audio"],
                    counts["outputs"])
    return counts
