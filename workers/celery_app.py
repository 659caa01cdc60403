"""The Celery application: Redis broker, queues, reliability settings and the beat schedule.

``celery -A workers.celery_app`` and ``transcribe worker`` both use :data:`app`. Messages carry job ids only
(JSON), never audio, names or text.

Reliability: a message is acknowledged only after its task returns (``acks_late``), and given back if the
worker process running it dies (``task_reject_on_worker_lost``); each worker process takes one message at a
time (prefetch 1); Redis hands an unacknowledged message to another worker only after the visibility timeout,
set above the longest job, so a long recording is never run twice at once. The registry's leases cover the
rest (:mod:`workers.execution`).
"""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from .broker import broker_url
from .registry import INTERACTIVE, OVERNIGHT
from .settings import ServiceSettings

SERVICE = "service"  # housekeeping: reconcile, overnight release and report, retention
QUEUES = (INTERACTIVE, OVERNIGHT, SERVICE)
PIPELINE_QUEUES = (INTERACTIVE, OVERNIGHT)


def create_app(settings: ServiceSettings | None = None) -> Celery:
    settings = settings or ServiceSettings()
    app = Celery("probation_transcribe", broker=broker_url(settings), include=["workers.tasks"])
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_backend=None, task_ignore_result=True,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_acks_on_failure_or_timeout=True,
        # A new pool process loads the models before it reports for work (10 s or more): without this, the pool
        # kills a replacement process that is still loading (default 4 s) and starts another, for ever.
        worker_proc_alive_timeout=600.0,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout_s},
        broker_connection_retry_on_startup=True, broker_connection_max_retries=None,
        task_queues=[Queue(name) for name in QUEUES], task_default_queue=INTERACTIVE,
        task_routes={"workers.reconcile": {"queue": SERVICE}, "workers.overnight_tick": {"queue": SERVICE},
                     "workers.retention": {"queue": SERVICE}},
        worker_hijack_root_logger=False, worker_send_task_events=False, task_send_sent_event=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        timezone=settings.timezone, enable_utc=True,
        beat_schedule_filename=str(settings.folder("beat") / "schedule"),
        beat_schedule={
            "reconcile": {"task": "workers.reconcile", "schedule": settings.reconcile_s,
                          "options": {"expires": settings.reconcile_s}},
            "overnight": {"task": "workers.overnight_tick", "schedule": min(60.0, settings.reconcile_s),
                          "options": {"expires": 60.0}},
            "retention": {"task": "workers.retention", "schedule": 3600.0, "options": {"expires": 3600.0}},
        },
    )
    return app


app = create_app()
