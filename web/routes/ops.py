"""For operations: ``/healthz`` (no sign-in, no detail) and ``/metrics`` (Prometheus text: jobs by state, stage
durations, queue depth, HTTP request counts; no names, no text)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from ..deps import Service, ServiceDep

router = APIRouter()


@router.get("/healthz")
def healthz(svc: ServiceDep):
    """200 "ok" while the registry answers; 503 otherwise."""
    try:
        svc.registry.counts()
    except Exception:  # noqa: BLE001 (any database failure means unhealthy)
        return PlainTextResponse("unavailable", status_code=503)
    return PlainTextResponse("ok")


class _ServiceCollector:
    """Read at each scrape from the registry and Redis."""

    def __init__(self, svc: Service):
        self.svc = svc

    def collect(self):
        from workers.broker import broker_url, queue_lengths
        from workers.celery_app import QUEUES
        from workers.status import stage_durations

        jobs = GaugeMetricFamily("pt_jobs", "Jobs by state", labels=["state"])
        for state, count in self.svc.registry.counts().items():
            jobs.add_metric([state], count)
        yield jobs
        stages = GaugeMetricFamily("pt_stage_seconds", "Median seconds per stage over recent jobs", labels=["stage"])
        for stage, figures in stage_durations(self.svc.registry).items():
            stages.add_metric([stage], figures["median_s"])
        yield stages
        depth = GaugeMetricFamily("pt_queue_depth", "Messages waiting per queue", labels=["queue"])
        try:
            for queue, length in queue_lengths(broker_url(self.svc.settings), QUEUES).items():
                depth.add_metric([queue], length)
        except Exception:  # noqa: BLE001 (the broker is down: no queue figures this time)
            pass
        yield depth


@router.get("/metrics")
def metrics(request: Request, svc: ServiceDep):
    """The process's HTTP figures and this service's job figures."""
    own = getattr(request.app.state, "metrics", None)
    if own is None:
        own = request.app.state.metrics = CollectorRegistry()
        own.register(_ServiceCollector(svc))
    return Response(generate_latest(REGISTRY) + generate_latest(own), media_type=CONTENT_TYPE_LATEST)
