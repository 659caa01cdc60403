"""The service's commands, added to ``transcribe``: up, worker, watch, beat, status, batch, jobs, audit.

The ``transcribe`` console script is :func:`main` here: the library's commands (:mod:`transcribe.cli`) plus
these. Only account names, job ids and figures are printed, never file names or transcript text.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from transcribe.cli import app, err, out

from .settings import ServiceSettings

jobs_app = typer.Typer(help="Look at and retry jobs.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
app.add_typer(audit_app, name="audit")


def _settings() -> ServiceSettings:
    try:
        return ServiceSettings()
    except ValueError as e:
        err.print(f"[red]error:[/red] invalid PT_* setting: {e}", highlight=False)
        raise typer.Exit(2) from e


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _open(settings: ServiceSettings):
    from .service import folders_and_registry

    try:
        return folders_and_registry(settings)
    except Exception as e:  # noqa: BLE001 (an unreachable or unusable database: say so and stop)
        raise _fail(f"cannot open the job registry at {settings.registry_url.split('@')[-1]}: "
                    f"{type(e).__name__}: {e}") from e


@app.command()
def up(workers: Annotated[int | None, typer.Option("--workers", min=1, help="pipeline worker processes "
                                                    "[default: PT_CONCURRENCY]")] = None) -> None:
    """Run the whole service: embedded Redis (when PT_REDIS_URL is unset), workers, beat and the drop-folder
    watcher, supervised, until Ctrl-C or SIGTERM."""
    from . import supervisor

    settings = _settings()
    folders, registry = _open(settings)
    registry.close()
    out.print(f"probation-transcribe service: data in {settings.data_dir}; drop recordings in "
              f"{folders.inbox}/<account>/; Ctrl-C stops it", highlight=False)
    try:
        code = supervisor.run(settings, workers)
    except RuntimeError as e:
        raise _fail(str(e)) from e
    raise typer.Exit(code)


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", "-Q", help="comma-separated: interactive, overnight, service")]
    = "interactive,overnight,service",
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-c", min=1,
                                                    help="processes [default: PT_CONCURRENCY]")] = None,
    loglevel: Annotated[str, typer.Option("--loglevel")] = "info",
) -> None:
    """Run a worker: each process loads the models once and takes one job at a time from the queues."""
    import os

    from .celery_app import PIPELINE_QUEUES, QUEUES
    from .celery_app import app as celery

    settings = _settings()
    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(chosen) - set(QUEUES))
    if unknown or not chosen:
        raise _fail(f"unknown queue(s) {unknown}; choose from {list(QUEUES)}", 2)
    _open(settings)[1].close()
    loads_models = any(q in PIPELINE_QUEUES for q in chosen)
    if loads_models:
        _check_models(settings)
    celery.conf.pt_load_models = loads_models
    celery.worker_main(["worker", f"--queues={','.join(chosen)}", f"--concurrency={concurrency or settings.concurrency}",
                        f"--loglevel={loglevel}", "--pool=prefork", f"--hostname=pt{os.getpid()}@%h",
                        "--without-gossip", "--without-mingle"])


def _check_models(settings: ServiceSettings) -> None:
    """Fail early, in the parent, with the fix, rather than in every pool process."""
    from transcribe.errors import TranscribeError
    from transcribe.models import CATALOGUE, read_manifest, resolve_model_dir

    try:
        installed = read_manifest(settings.model_dir)
        for name in [settings.model, *(n for n, spec in CATALOGUE.items() if spec.kind != "asr")]:
            if name in CATALOGUE and name not in installed:
                raise TranscribeError(f"model {name} is not installed in {settings.model_dir}: run "
                                      "`transcribe models install`")
            resolve_model_dir(settings.model_dir, name, "a")
    except TranscribeError as e:
        raise _fail(str(e)) from e


@app.command()
def watch() -> None:
    """Watch the drop folders: take each fully written recording, register it and queue it."""
    from .intake import Intake
    from .registry import worker_name
    from .service import dispatch
    from .watcher import Watcher

    settings = _settings()
    folders, registry = _open(settings)
    intake = Intake(settings, folders, registry, lambda job: dispatch(registry, job), actor=f"watcher {worker_name()}")
    stop = _stop_on_signals()
    out.print(f"watching {folders.inbox}", highlight=False)
    Watcher(folders, intake, settings.stable_s, settings.rescan_s).run(stop)


@app.command()
def beat() -> None:
    """Run Celery beat: the reconciler every PT_RECONCILE_S, the overnight window and report, retention.
    Run exactly one beat for the whole service."""
    from celery.apps.beat import Beat

    from .celery_app import app as celery

    settings = _settings()
    _open(settings)[1].close()
    try:  # the reconciler runs at start-up too, not only once the first interval has passed
        celery.send_task("workers.reconcile", queue="service")
    except Exception as e:  # noqa: BLE001 (the broker is down: beat retries on its schedule)
        err.print(f"warning: could not send the first reconcile ({type(e).__name__})", highlight=False)
    Beat(app=celery, loglevel="INFO", schedule=celery.conf.beat_schedule_filename, quiet=True).run()


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False,
           limit: Annotated[int, typer.Option("--limit", min=1)] = 10) -> None:
    """Queues, workers and recent jobs (stage and progress)."""
    from .status import collect

    settings = _settings()
    folders, registry = _open(settings)
    report = collect(settings, registry, limit)
    if as_json:
        out.print_json(json.dumps(report, default=str))
        return
    out.print(f"jobs: {', '.join(f'{k} {v}' for k, v in report['jobs'].items())}", highlight=False)
    queues = report["queues"]
    out.print("queues: " + (", ".join(f"{k} {v}" for k, v in queues.items()) if queues else "broker unreachable"),
              highlight=False)
    out.print(f"workers: {', '.join(report['workers']) or 'none answering'}", highlight=False)
    table = Table("job", "owner", "state", "stage", "progress", "attempts", "error")
    for job in report["recent"]:
        table.add_row(job["id"], job["owner"], job["state"], job["stage"] or "", f"{job['progress']:.0%}",
                      str(job["attempts"]), (job["error"] or "")[:60])
    out.print(table)


@jobs_app.command("retry")
def jobs_retry(job_id: Annotated[str, typer.Argument(help="the job id")]) -> None:
    """Queue a failed job again, at the half that failed."""
    from .registry import FAILED, worker_name
    from .service import dispatch

    settings = _settings()
    folders, registry = _open(settings)
    job = registry.get(job_id)
    if job is None:
        raise _fail(f"no job {job_id}")
    if job.state != FAILED:
        raise _fail(f"job {job_id} is {job.state}, not failed: nothing to retry")
    if not folders.recording(job_id).exists() and not (folders.work_dir(job_id) / "recognised.json").exists():
        raise _fail(f"job {job_id}'s recording is no longer in the store (it was quarantined as unusable); drop a "
                    "good copy of the recording instead")
    registry.requeue(job_id, f"cli {worker_name()}", "retried by a person")
    queued = dispatch(registry, registry.get(job_id))
    out.print(f"job {job_id} queued again" + ("" if queued else " (the broker is unreachable: it will be sent when "
                                                                 "the service reconciles)"), highlight=False)


@jobs_app.command("show")
def jobs_show(job_id: Annotated[str, typer.Argument()]) -> None:
    """One job's registry record (without its file name), as JSON."""
    from dataclasses import asdict

    settings = _settings()
    _, registry = _open(settings)
    job = registry.get(job_id)
    if job is None:
        raise _fail(f"no job {job_id}")
    out.print_json(json.dumps({k: v for k, v in asdict(job).items() if k != "display_name"}, default=str))


@app.command()
def batch(
    folder: Annotated[Path, typer.Argument(help="a folder of recordings (a backlog); they are copied, not moved")],
    owner: Annotated[str, typer.Option("--owner", help="the officer's account name")],
    overnight: Annotated[bool, typer.Option("--overnight/--now", help="wait for the overnight window")] = True,
) -> None:
    """Register every recording in a folder for an officer; overnight by default."""
    from .folders import is_officer_name, is_partial
    from .intake import Intake
    from .registry import worker_name
    from .service import dispatch

    if not is_officer_name(owner):
        raise _fail("--owner must be an account name (lower-case letters, digits, . _ -)", 2)
    if not folder.is_dir():
        raise _fail(f"{folder} is not a folder", 2)
    settings = _settings()
    folders, registry = _open(settings)
    intake = Intake(settings, folders, registry, lambda job: dispatch(registry, job), actor=f"batch {worker_name()}")
    counts = {"new": 0, "duplicate": 0, "refused": 0}
    for path in sorted(folder.iterdir()):
        if path.is_dir() or is_partial(path.name) or path.suffix.lower() == ".json":
            continue
        with tempfile.TemporaryDirectory(dir=folders.store, prefix=".batch-") as tmp:
            copy = Path(tmp) / "recording"
            shutil.copyfile(path, copy, follow_symlinks=False)
            taken = intake.take(copy, owner=owner, overnight=overnight, name=path.name)
        counts["new" if taken.created else "duplicate" if taken.job else "refused"] += 1
    out.print(f"{counts['new']} new job(s) for {owner} ({'overnight' if overnight else 'now'}), "
              f"{counts['duplicate']} already received, {counts['refused']} refused (see the quarantine)",
              highlight=False)


@audit_app.command("verify")
def audit_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check the audit trail's hash chain: exit 1 naming the first edited, inserted or deleted row."""
    from .audit import verify

    settings = _settings()
    _, registry = _open(settings)
    with registry.session() as s:
        result = verify(s)
    if as_json:
        out.print_json(json.dumps({"ok": result.ok, "rows": result.rows, "head": result.head_hash,
                                   "problem": result.problem}))
    elif result.ok:
        out.print(f"audit trail intact: {result.rows} rows, head {result.head_hash}", highlight=False)
    if not result.ok:
        raise _fail(f"the audit trail is broken: {result.problem}")


def _stop_on_signals() -> threading.Event:
    import signal

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def main() -> None:
    logging.basicConfig(level=logging.INFO if len(sys.argv) > 1 and sys.argv[1] in
                        ("up", "worker", "watch", "beat", "serve") else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
