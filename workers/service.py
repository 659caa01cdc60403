"""The service's moving parts that are not tasks themselves: the per-process worker context, sending a job's
message (:func:`dispatch`), the reconciler, and releasing the overnight batch."""

from __future__ import annotations

import logging
from datetime import timedelta

from transcribe.pipeline import Pipeline

from .broker import broker_url, waiting_message_ids
from .execution import WorkerContext
from .folders import DataFolders
from .overnight import in_window, local_now
from .registry import INTERACTIVE, QUEUED, RECOGNISE, JobView, Registry, utcnow, worker_name
from .settings import ServiceSettings

logger = logging.getLogger(__name__)

_context: WorkerContext | None = None


def context(load_models: bool = True) -> WorkerContext:
    """This process's :class:`WorkerContext`, built on first use (again in a forked child); with
    ``load_models``, the pipeline's models are loaded once (all or nothing)."""
    global _context
    if _context is None or _context.name != worker_name():
        settings = ServiceSettings()
        folders = DataFolders(settings.data_dir)
        folders.create()
        _context = WorkerContext(settings, folders, Registry(settings.registry_url), None, worker_name())
    if load_models and _context.pipeline is None:
        pipeline = Pipeline(_context.settings.model_dir, _context.settings.pipeline_options())
        load_s = pipeline.load()
        _context.pipeline = pipeline
        logger.info("worker %s: models loaded in %.1f s", _context.name, load_s)
    return _context


def dispatch(registry: Registry, job: JobView | None) -> bool:
    """Send the message for the job's next half to its queue; False (and the job stays queued for the
    reconciler) when the broker cannot be reached now."""
    if job is None or job.state != QUEUED:
        return False
    from .tasks import publish, recognise

    task = recognise if job.stage == RECOGNISE else publish
    try:
        task.apply_async((job.id,), task_id=job.id, queue=job.queue,
                         retry_policy={"max_retries": 2, "interval_start": 0.5, "interval_step": 1.0})
    except Exception as e:  # noqa: BLE001 (kombu, redis and socket errors alike: the reconciler sends it later)
        logger.warning("job %s could not be queued now (%s); the reconciler will send it", job.id, type(e).__name__)
        return False
    registry.mark_dispatched(job.id)
    return True


def dispatch_revision(registry: Registry, job_id: str) -> bool:
    """Ask a worker to render a job's documents again with its corrections (the reconciler asks again if the
    broker cannot be reached now)."""
    from .tasks import revise

    try:
        revise.apply_async((job_id,), queue=INTERACTIVE,
                           retry_policy={"max_retries": 2, "interval_start": 0.5, "interval_step": 1.0})
    except Exception as e:  # noqa: BLE001
        logger.warning("job %s: re-rendering could not be queued now (%s)", job_id, type(e).__name__)
        return False
    return True


def reconcile(ctx: WorkerContext) -> dict:
    """Make the broker agree with the registry.

    - A running job whose lease ran out (its worker died or hung) is queued again, or failed once it has
      used its attempts (a recording that kills its worker each time must not loop for ever).
    - A queued job whose message was never sent, or is no longer waiting in its queue well after it was sent
      (Redis lost it, or a worker that lost its connection still holds it), is sent again. A duplicate
      message is harmless: the job is claimed once.
    """
    settings, registry = ctx.settings, ctx.registry
    requeued = failed = sent = 0
    for job in registry.expired_leases():
        if job.attempts >= settings.max_attempts:
            registry.fail(job.id, "reconciler", f"its worker stopped during each of {job.attempts} attempts (out of "
                          "memory, or killed?); retry once the cause is fixed", retryable=True)
            failed += 1
        elif registry.requeue(job.id, "reconciler", "lease expired: its worker stopped"):
            requeued += 1
    queued = [j for j in registry.jobs(states=(QUEUED,)) if j.queued_at is None or j.queued_at <= utcnow()]
    if queued:
        from .celery_app import PIPELINE_QUEUES

        try:
            waiting = waiting_message_ids(broker_url(settings), PIPELINE_QUEUES)
        except Exception as e:  # noqa: BLE001 (the broker is down: try again next time)
            logger.warning("reconciler cannot read the queues (%s)", type(e).__name__)
            return {"requeued": requeued, "failed": failed, "sent": 0}
        stale = utcnow() - timedelta(seconds=settings.lease_s)
        for job in queued:
            if job.dispatched_at is None or (job.id not in waiting and job.dispatched_at < stale):
                sent += dispatch(registry, job)
    for job in registry.pending_revisions():  # corrections whose re-rendering was never asked for, or was lost
        sent += dispatch_revision(registry, job.id)
    if requeued or failed or sent:
        logger.info("reconciler: %d requeued, %d failed, %d message(s) sent", requeued, failed, sent)
    return {"requeued": requeued, "failed": failed, "sent": sent}


def release_overnight(ctx: WorkerContext) -> int:
    """Inside the overnight window, queue every job waiting for it; returns how many."""
    if not in_window(local_now(ctx.settings), ctx.settings.window):
        return 0
    ids = ctx.registry.release_waiting("beat")
    for job_id in ids:
        dispatch(ctx.registry, ctx.registry.get(job_id))
    if ids:
        logger.info("overnight window open: %d job(s) released", len(ids))
    return len(ids)


def folders_and_registry(settings: ServiceSettings) -> tuple[DataFolders, Registry]:
    """The data folders (created) and the registry (migrated), for the command line and the watcher."""
    folders = DataFolders(settings.data_dir)
    folders.create()
    registry = Registry(settings.registry_url)
    registry.migrate()
    return folders, registry
