"""What a worker does with a job: the two halves, each claimed from the registry, run, and recorded.

Celery tasks (:mod:`workers.tasks`) are thin wrappers around :func:`run_recognise` and :func:`run_publish`.
Each half first claims the job in the registry: a message delivered twice, or for a job that has moved on,
does nothing. While a half runs, a heartbeat keeps the worker's lease and records progress; if the worker
dies the lease runs out and the reconciler queues the job again, and it resumes at the first unfinished half
(the recognition checkpoint is kept in ``work/<job-id>/``).

Failures are sorted: a bad recording fails at once and is quarantined (never retried); a transient one (disk
full, an I/O error) is retried with back-off up to ``PT_MAX_ATTEMPTS`` and then fails as retryable; anything
else fails as retryable for a person to look at. Error messages name no file: the job id identifies it.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from transcribe.errors import InputError, RenderError, TranscribeError
from transcribe.options import RedactionOptions, SpeakerHints
from transcribe.pipeline import (
    PUBLISHING_STAGES,
    RECOGNITION_STAGES,
    Pipeline,
    load_checkpoint,
    save_checkpoint,
)
from transcribe.publish import write_outputs
from transcribe.redact import LeakError
from transcribe.review import parse, revise

from .folders import DataFolders
from .registry import PUBLISH, RECOGNISE, SUCCEEDED, JobView, Registry
from .retention import delete_audio, retention_days
from .settings import ServiceSettings

logger = logging.getLogger(__name__)

CHECKPOINT = "recognised.json"
TRANSCRIPT_JSON = "transcript.json"  # kept in work/<job-id>/: it holds the unredacted text


@dataclass
class WorkerContext:
    """What a worker process holds for its whole life: settings, the registry and the loaded pipeline."""

    settings: ServiceSettings
    folders: DataFolders
    registry: Registry
    pipeline: Pipeline | None
    name: str  # host:pid, as leases and audit rows name this worker


Dispatch = Callable[[JobView], object]


class Heartbeat:
    """Keeps a running job's lease alive and its progress recorded, from a thread, while a half runs."""

    def __init__(self, ctx: WorkerContext, job_id: str, stages: tuple[str, ...]):
        self.ctx, self.job_id = ctx, job_id
        self.stages = dict.fromkeys(stages, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id[:8]}", daemon=True)

    def progress(self, stage: str, fraction: float) -> None:
        if stage in self.stages:
            self.stages[stage] = max(self.stages[stage], min(1.0, fraction))

    def _run(self) -> None:
        interval = max(0.5, self.ctx.settings.lease_s / 4)
        while not self._stop.wait(interval):
            try:
                self.ctx.registry.heartbeat(self.job_id, self.ctx.name, self.ctx.settings.lease_s, dict(self.stages))
            except Exception as e:  # the database may be briefly unreachable: the lease has slack
                logger.warning("heartbeat for job %s failed: %s", self.job_id, type(e).__name__)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


def run_recognise(ctx: WorkerContext, job_id: str, dispatch: Dispatch) -> str:
    """The recognition half: decode, recognise, diarise, align; checkpoint; queue the publishing half."""
    job = ctx.registry.claim(job_id, RECOGNISE, ctx.name, ctx.settings.lease_s)
    if job is None:
        return "skipped"
    checkpoint = ctx.folders.work_dir(job_id) / CHECKPOINT
    with Heartbeat(ctx, job_id, RECOGNITION_STAGES) as beat:
        try:
            recognised = _earlier_checkpoint(checkpoint)
            if recognised is None:
                recognised = ctx.pipeline.recognise(ctx.folders.recording(job_id), progress=beat.progress,
                                                    hints=SpeakerHints(job.options.get("num_speakers"),
                                                                       job.options.get("min_speakers"),
                                                                       job.options.get("max_speakers")))
                if recognised.source.sha256 != job.sha256:
                    raise InputError("the stored recording changed after it was received")
                ctx.folders.work_dir(job_id).mkdir(parents=True, exist_ok=True, mode=0o700)
                save_checkpoint(recognised, checkpoint)
        except Exception as e:  # noqa: BLE001 (sorted in _handle_failure; a worker never dies of a job)
            return _handle_failure(ctx, job, e)
    timings = {k: v for k, v in recognised.timings_s.items() if k != "total"}
    if ctx.registry.finish_stage(job_id, ctx.name, RECOGNISE, timings, recorded_at=recognised.source.recorded_at,
                                 duration_s=recognised.source.duration_s):
        dispatch(ctx.registry.get(job_id))
    logger.info("job %s recognised (%.1f s of audio)", job_id, recognised.source.duration_s)
    return "recognised"


def run_publish(ctx: WorkerContext, job_id: str) -> str:
    """The publishing half: redact, summarise, render, leak-check, then place the shared documents in the
    officer's outbox in one rename (so there is only ever one set) and ``transcript.json`` in work/."""
    job = ctx.registry.claim(job_id, PUBLISH, ctx.name, ctx.settings.lease_s)
    if job is None:
        return "skipped"
    work = ctx.folders.work_dir(job_id)
    with Heartbeat(ctx, job_id, PUBLISHING_STAGES) as beat:
        recognised = _earlier_checkpoint(work / CHECKPOINT)
        if recognised is None:
            ctx.registry.fail(job_id, ctx.name, "the recognition checkpoint is missing or damaged; retry the job "
                              "to recognise the recording again", retryable=True, stage=RECOGNISE)
            return "failed"
        day = date.fromisoformat(recognised.source.recorded_at[:10]) if recognised.source.recorded_at \
            else date.today()
        final = ctx.folders.outbox_dir(job.owner, job_id, day)
        staging = final.with_name(f".{final.name}.partial")
        try:
            shutil.rmtree(staging, ignore_errors=True)
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            transcript, _ = ctx.pipeline.publish(recognised, staging, progress=beat.progress,
                                                 redaction=_redaction(ctx, job))
            os.replace(staging / TRANSCRIPT_JSON, work / TRANSCRIPT_JSON)
            if final.exists():  # an earlier attempt got this far before its worker stopped
                shutil.rmtree(final)
            os.rename(staging, final)
        except Exception as e:  # noqa: BLE001 (sorted in _handle_failure; a worker never dies of a job)
            shutil.rmtree(staging, ignore_errors=True)
            return _handle_failure(ctx, job, e)
    outputs = {p.name: ctx.folders.relative(p) for p in sorted(final.iterdir())}
    outputs[TRANSCRIPT_JSON] = ctx.folders.relative(work / TRANSCRIPT_JSON)
    timings = {k: v for k, v in transcript.timings_s.items() if k in PUBLISHING_STAGES}
    timings["total"] = transcript.timings_s.get("total", 0.0)
    if ctx.registry.finish_stage(job_id, ctx.name, PUBLISH, timings, outputs=outputs) \
            and retention_days(ctx.settings, ctx.registry)[0] == 0:
        delete_audio(ctx.registry, ctx.folders, job_id, ctx.name)
    logger.info("job %s published", job_id)
    return "published"


def run_revise(ctx: WorkerContext, job_id: str) -> str:
    """Render a published job's documents again with every correction people made (:mod:`transcribe.review`),
    from the recognition checkpoint, and swap them into the officer's outbox in one rename."""
    job = ctx.registry.get(job_id)
    if job is None or job.state != SUCCEEDED or job.outputs_deleted_at or len(job.corrections) <= job.revision:
        return "current"
    revision, work = len(job.corrections), ctx.folders.work_dir(job_id)
    final = (ctx.folders.root / job.outputs["transcript.docx"]).parent
    staging = final.with_name(f".{final.name}.{revision}.{os.getpid()}.partial")
    try:
        recognised = _earlier_checkpoint(work / CHECKPOINT)
        if recognised is None:
            raise InputError("the recognition checkpoint is no longer there")
        corrections = [parse(c) for c in job.corrections]
        transcript = revise(ctx.pipeline, recognised, corrections, _redaction(ctx, job))
        write_outputs(transcript, staging)
    except (TranscribeError, ValueError, OSError) as e:
        shutil.rmtree(staging, ignore_errors=True)
        message = f"the corrections could not be applied ({e}); the documents are as before"
        ctx.registry.record_revision(job_id, revision, ctx.name, error=message)
        return "failed"

    def swap() -> tuple[dict, object]:
        os.replace(staging / TRANSCRIPT_JSON, work / TRANSCRIPT_JSON)
        old = final.with_name(f".{final.name}.{revision}.{os.getpid()}.old")
        os.rename(final, old)
        os.rename(staging, final)
        shutil.rmtree(old, ignore_errors=True)
        return {**{p.name: ctx.folders.relative(p) for p in sorted(final.iterdir())},
                TRANSCRIPT_JSON: ctx.folders.relative(work / TRANSCRIPT_JSON)}, transcript.review

    if not ctx.registry.record_revision(job_id, revision, ctx.name, swap):
        shutil.rmtree(staging, ignore_errors=True)  # a newer revision is in place
        return "superseded"
    logger.info("job %s re-rendered with %d correction(s)", job_id, revision)
    return "revised"


def _earlier_checkpoint(path: Path):
    """The recognition half's result saved by an earlier attempt; None (and a damaged file removed) if none."""
    try:
        return load_checkpoint(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        logger.warning("removing a damaged recognition checkpoint in %s", path.parent.name)
        path.unlink(missing_ok=True)
        return None


def _redaction(ctx: WorkerContext, job: JobView) -> RedactionOptions | None:
    """The pipeline's redaction options with this job's deny-list and keep-name terms added."""
    deny, keep = job.options.get("deny_list") or [], job.options.get("keep_names") or []
    if not deny and not keep:
        return None
    base = ctx.pipeline.options.redaction
    return RedactionOptions(labels=base.labels, keep_names=(*base.keep_names, *keep), deny_list=(*base.deny_list, *deny))


def _is_transient(error: BaseException) -> bool:
    """Disk full, a write refused, an I/O error: worth trying again later."""
    return isinstance(error, OSError) or (isinstance(error, RenderError) and not isinstance(error, LeakError)
                                          and isinstance(error.__cause__, OSError))


def _handle_failure(ctx: WorkerContext, job: JobView, error: Exception) -> str:
    if isinstance(error, InputError):
        fail_input(ctx.registry, ctx.folders, job, ctx.name, str(error))
        return "failed"
    if _is_transient(error):
        message = str(error) if isinstance(error, TranscribeError) else \
            f"{type(error).__name__}: {error.strerror or error}"
        if job.attempts < ctx.settings.max_attempts:
            delay = ctx.settings.retry_backoff_s * 2 ** (job.attempts - 1)
            ctx.registry.requeue(job.id, ctx.name, f"transient failure, retrying in {delay:.0f} s: {message}", delay)
            return "retrying"
        ctx.registry.fail(job.id, ctx.name, f"{message} (after {job.attempts} attempts; retry once fixed)", True)
        return "failed"
    if isinstance(error, TranscribeError):
        ctx.registry.fail(job.id, ctx.name, str(error), retryable=not isinstance(error, LeakError))
    else:
        # Where, not what: exception messages can quote file names or transcript text.
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        logger.error("job %s: unexpected %s at %s", job.id, type(error).__name__,
                     f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}" if frame else "?")
        ctx.registry.fail(job.id, ctx.name, f"internal error ({type(error).__name__}); the log has the details",
                          retryable=True)
    return "failed"


def fail_input(registry: Registry, folders: DataFolders, job: JobView, actor: str, message: str) -> None:
    """A recording the service cannot use: the job fails (not retryable) and the original goes to the
    officer's quarantine folder with the reason."""
    registry.fail(job.id, actor, message, retryable=False)
    recording = folders.recording(job.id)
    if recording.exists():
        folders.quarantine_file(recording, job.owner, f"job {job.id}: {message}", name=job.display_name)
        shutil.rmtree(recording.parent, ignore_errors=True)
        registry.record(actor, "file.quarantined", job.id, {"owner": job.owner, "reason": message})
    logger.info("job %s: unusable recording (%s)", job.id, message)

