"""Celery tasks: each takes a job id (or nothing) and hands over to :mod:`workers.execution` or
:mod:`workers.service`. Models are loaded once per worker process, when it starts (``worker_process_init``),
by workers that serve the pipeline queues; the housekeeping worker loads none."""

from __future__ import annotations

import logging
import signal

from celery.signals import worker_process_init

from .celery_app import app
from .execution import run_publish, run_recognise, run_revise
from .service import context, dispatch, reconcile, release_overnight
from .supervisor import die_with_parent

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _start_pool_process(**_kwargs) -> None:
    die_with_parent(signal.SIGKILL)  # a pool process must not outlive its worker (its job's lease then lapses)
    context(load_models=app.conf.get("pt_load_models", True))


@app.task(name="workers.recognise")
def recognise(job_id: str) -> str:
    ctx = context()
    return run_recognise(ctx, job_id, lambda job: dispatch(ctx.registry, job))


@app.task(name="workers.publish")
def publish(job_id: str) -> str:
    return run_publish(context(), job_id)


@app.task(name="workers.revise")
def revise(job_id: str) -> str:
    return run_revise(context(), job_id)


@app.task(name="workers.reconcile")
def reconcile_task() -> dict:
    return reconcile(context(load_models=False))


@app.task(name="workers.overnight_tick")
def overnight_tick() -> dict:
    ctx = context(load_models=False)
    from .overnight import morning_report

    released = release_overnight(ctx)
    report = morning_report(ctx.settings, ctx.registry, ctx.folders)
    return {"released": released, "report": str(report) if report else None}


@app.task(name="workers.retention")
def retention_task() -> dict:
    from .retention import apply_retention

    ctx = context(load_models=False)
    return apply_retention(ctx.settings, ctx.registry, ctx.folders, ctx.name)
