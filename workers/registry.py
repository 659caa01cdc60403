"""The job registry: the truth about every recording the service has received (SQLAlchemy 2).

SQLite in WAL mode by default, PostgreSQL by URL; the schema is created and upgraded by Alembic
(:meth:`Registry.migrate`). The broker only delivers: a job's state here decides what a task does, so a
message delivered twice does only what is left, and a job whose worker went silent is taken again.

States::

    waiting ──(overnight window opens)──▶ queued ──(a worker claims it)──▶ running ──▶ succeeded
                                            ▲  ▲                           │  │
                                            │  └──(lease expired, retry)───┘  └──▶ failed ──(jobs retry)──┐
                                            └──────────────────────────────────────────────────────────────┘

``stage`` is the half to run next (``recognise``, then ``publish``); a retried job resumes at it. Every
change is written with its audit row in the same transaction (:mod:`workers.audit`). Nothing here holds
transcript text; the original file name (it can carry a person's name) is kept only as ``display_name``.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from . import audit

# States and stages.
WAITING, QUEUED, RUNNING, SUCCEEDED, FAILED = "waiting", "queued", "running", "succeeded", "failed"
STATES = (WAITING, QUEUED, RUNNING, SUCCEEDED, FAILED)
RECOGNISE, PUBLISH = "recognise", "publish"
INTERACTIVE, OVERNIGHT = "interactive", "overnight"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    pass


class Job(Base):
    """One recording and what has been done with it."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("owner", "sha256", name="uq_jobs_owner_sha256"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    display_name: Mapped[str] = mapped_column(String(255))  # the original file name: registry only
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str | None] = mapped_column(String(16))
    queue: Mapped[str] = mapped_column(String(16), default=INTERACTIVE)
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # of the current half, 0..1
    stage_progress: Mapped[dict] = mapped_column(JSON, default=dict)  # pipeline stage -> fraction done
    timings: Mapped[dict] = mapped_column(JSON, default=dict)  # seconds per pipeline stage, and queue_wait
    error: Mapped[str | None] = mapped_column(Text)
    retryable: Mapped[bool | None] = mapped_column()
    outputs: Mapped[dict] = mapped_column(JSON, default=dict)  # file -> path relative to the data folder
    options: Mapped[dict] = mapped_column(JSON, default=dict)  # speaker hints, deny-list and keep-name terms
    recorded_at: Mapped[str | None] = mapped_column(String(40))
    duration_s: Mapped[float | None] = mapped_column(Float)  # of the decoded audio
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # message for `stage` last sent
    audio_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outputs_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Review in the web app: people's corrections in order (transcribe.review), how many the documents include.
    corrections: Mapped[list] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    checked_by: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Setting(Base):
    """A service setting changed by an administrator in the web app (the retention periods)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class AuditRow(Base):
    """An append-only, hash-chained record of who did what to which job (never transcript text or names)."""

    __tablename__ = "audit"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, as hashed
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64), index=True)
    job_id: Mapped[str | None] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON, as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last row: appends lock it, so rows are numbered and chained one at a time."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class JobView:
    """A read-only snapshot of a job, safe to pass around outside a database session."""

    id: str
    owner: str
    display_name: str
    sha256: str
    size_bytes: int
    state: str
    stage: str | None
    queue: str
    progress: float
    stage_progress: dict
    timings: dict
    error: str | None
    retryable: bool | None
    outputs: dict
    options: dict
    recorded_at: str | None
    duration_s: float | None
    created_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    worker: str | None
    lease_until: datetime | None
    dispatched_at: datetime | None
    audio_deleted_at: datetime | None
    outputs_deleted_at: datetime | None
    corrections: list
    revision: int
    checked_by: str | None
    checked_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobView:
        return cls(**{name: getattr(job, name) for name in cls.__dataclass_fields__})


def new_job_id() -> str:
    return uuid.uuid4().hex


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
            dbapi_connection.execute("PRAGMA busy_timeout=60000")
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            # Take the write lock at the start: in WAL mode a read transaction that later writes after another
            # process has written fails at once (SQLITE_BUSY_SNAPSHOT) instead of waiting.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


class Registry:
    """The registry at ``url`` (a SQLAlchemy URL: ``sqlite:///...`` or ``postgresql+psycopg://...``)."""

    def __init__(self, url: str):
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ----------------------------------------------------------------------------------------------
    def migrate(self) -> None:
        """Create or upgrade the schema to the latest Alembic revision (safe to call from many processes)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self._migration_lock(), self.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.engine.dialect.name == "sqlite":
            path = Path(self.engine.url.database + ".migrate.lock")
            with open(path, "a") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                yield
        else:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(7263540)"))
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(7263540)"))
                    connection.commit()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    # -- reading ---------------------------------------------------------------------------------------------
    def get(self, job_id: str) -> JobView | None:
        with self.session() as s:
            job = s.get(Job, job_id)
            return JobView.of(job) if job else None

    def jobs(self, states: tuple[str, ...] = (), owner: str | None = None, limit: int | None = None,
             newest_first: bool = True) -> list[JobView]:
        with self.session() as s:
            query = select(Job)
            if states:
                query = query.where(Job.state.in_(states))
            if owner:
                query = query.where(Job.owner == owner)
            query = query.order_by(Job.created_at.desc() if newest_first else Job.created_at)
            if limit:
                query = query.limit(limit)
            return [JobView.of(j) for j in s.scalars(query)]

    def counts(self) -> dict[str, int]:
        """Jobs by state."""
        with self.session() as s:
            rows = s.execute(select(Job.state, func.count()).group_by(Job.state)).all()
        return {state: 0 for state in STATES} | {state: n for state, n in rows}

    # -- changes ---------------------------------------------------------------------------------------------
    def add_job(self, actor: str, *, job_id: str, owner: str, display_name: str, sha256: str, size_bytes: int,
                overnight: bool = False, options: dict | None = None) -> tuple[JobView, bool]:
        """Register a received recording; the same recording from the same owner is the same job.

        Returns:
            The job, and whether it was created now (False: it existed already, nothing was changed).
        """
        try:
            with self.session() as s:
                existing = s.scalars(select(Job).where(Job.owner == owner, Job.sha256 == sha256)).first()
                if existing is not None:
                    audit.append(s, actor, "job.duplicate", existing.id, {"state": existing.state})
                    return JobView.of(existing), False
                now = utcnow()
                job = Job(id=job_id, owner=owner, display_name=display_name, sha256=sha256, size_bytes=size_bytes,
                          state=WAITING if overnight else QUEUED, stage=RECOGNISE,
                          queue=OVERNIGHT if overnight else INTERACTIVE, progress=0.0, stage_progress={}, timings={},
                          outputs={}, options=options or {}, created_at=now, queued_at=None if overnight else now,
                          attempts=0, corrections=[], revision=0)
                s.add(job)
                audit.append(s, actor, "job.received", job_id,
                             {"owner": owner, "sha256": sha256, "size_bytes": size_bytes, "queue": job.queue})
                return JobView.of(job), True
        except IntegrityError:  # the same recording registered at the same moment by another process
            return self.add_job(actor, job_id=job_id, owner=owner, display_name=display_name, sha256=sha256,
                                size_bytes=size_bytes, overnight=overnight, options=options)

    def mark_dispatched(self, job_id: str) -> None:
        with self.session() as s:
            s.execute(update(Job).where(Job.id == job_id).values(dispatched_at=utcnow()))

    def claim(self, job_id: str, stage: str, worker: str, lease_s: float) -> JobView | None:
        """Take a queued job (or one whose lease expired) to run ``stage``; None when it is not this
        worker's to run (done, failed, at another stage, or held by a live worker)."""
        now = utcnow()
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None or job.stage != stage:
                return None
            takeover = job.state == RUNNING and (job.lease_until is None or job.lease_until < now
                                                  or not worker_alive(job.worker))
            if job.state != QUEUED and not takeover:
                return None
            if takeover:
                audit.append(s, worker, "job.taken_over", job_id, {"stage": stage, "worker": job.worker})
            job.state, job.worker, job.lease_until = RUNNING, worker, now + timedelta(seconds=lease_s)
            job.attempts += 1
            job.progress = 0.0
            job.started_at = job.started_at or now
            if job.queued_at and "queue_wait" not in job.timings:
                job.timings = {**job.timings, "queue_wait": round((now - job.queued_at).total_seconds(), 3)}
            audit.append(s, worker, "job.started", job_id, {"stage": stage, "attempt": job.attempts})
            return JobView.of(job)

    def heartbeat(self, job_id: str, worker: str, lease_s: float, stages: dict[str, float] | None = None) -> bool:
        """Extend this worker's lease and record progress (pipeline stage -> fraction done); False when the
        job is no longer this worker's."""
        values: dict = {"lease_until": utcnow() + timedelta(seconds=lease_s)}
        if stages:
            values["stage_progress"] = {k: round(v, 3) for k, v in stages.items()}
            values["progress"] = round(sum(stages.values()) / len(stages), 3)
        with self.session() as s:
            result = s.execute(update(Job).where(Job.id == job_id, Job.worker == worker, Job.state == RUNNING)
                               .values(**values))
            return result.rowcount == 1

    def finish_stage(self, job_id: str, worker: str, stage: str, timings: dict, **fields) -> bool:
        """Record a half as done: after ``recognise`` the job is queued for ``publish``; after ``publish`` it
        succeeded (``fields``: outputs, recorded_at). False when the job was no longer this worker's."""
        now = utcnow()
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None or job.state != RUNNING or job.worker != worker or job.stage != stage:
                return False
            job.timings = {**job.timings, **timings}
            job.stage_progress = {k: 1.0 for k in job.timings if k not in ("queue_wait", "total")}
            for name, value in fields.items():
                setattr(job, name, value)
            job.progress, job.worker, job.lease_until = 1.0, None, None
            if stage == RECOGNISE:
                job.state, job.stage, job.dispatched_at, job.queued_at = QUEUED, PUBLISH, None, now
                job.attempts = 0
            else:
                job.state, job.stage, job.finished_at, job.error = SUCCEEDED, None, now, None
            audit.append(s, worker, f"job.{stage}d" if stage == RECOGNISE else "job.succeeded", job_id,
                         {"stage": stage, "seconds": round(sum(v for k, v in timings.items() if k != "total"), 3)})
            return True

    def fail(self, job_id: str, actor: str, error: str, retryable: bool, stage: str | None = None) -> None:
        """Record a failure for good (``retryable``: a person may retry it, e.g. after freeing disk space;
        ``stage``: where that retry starts, when not where it failed)."""
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None or job.state == SUCCEEDED:
                return
            job.state, job.error, job.retryable = FAILED, error, retryable
            job.stage = stage or job.stage
            job.finished_at, job.worker, job.lease_until = utcnow(), None, None
            audit.append(s, actor, "job.failed", job_id, {"stage": job.stage, "error": error,
                                                          "retryable": retryable, "attempt": job.attempts})

    def requeue(self, job_id: str, actor: str, reason: str, delay_s: float = 0.0) -> bool:
        """Put a running or failed job back in the queue at its stage (a transient failure, an expired
        lease, or a person's retry); False when it is not in a state to be requeued."""
        now = utcnow()
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None or job.state not in (RUNNING, FAILED, QUEUED):
                return False
            if job.state == FAILED:
                job.attempts = 0
            job.state, job.worker, job.lease_until, job.dispatched_at = QUEUED, None, None, None
            job.queued_at, job.error, job.retryable, job.finished_at = now + timedelta(seconds=delay_s), None, None, None
            audit.append(s, actor, "job.requeued", job_id, {"stage": job.stage, "reason": reason,
                                                            "attempt": job.attempts})
            return True

    def release_waiting(self, actor: str) -> list[str]:
        """Queue every job waiting for the overnight window; returns their ids."""
        now = utcnow()
        with self.session() as s:
            jobs = list(s.scalars(select(Job).where(Job.state == WAITING).with_for_update()))
            for job in jobs:
                job.state, job.queued_at, job.dispatched_at = QUEUED, now, None
                audit.append(s, actor, "job.released", job.id, {"queue": job.queue})
            return [j.id for j in jobs]

    def due_for_dispatch(self, redispatch_after_s: float) -> list[JobView]:
        """Queued jobs whose message was never sent, or was sent so long ago it may have been lost."""
        now = utcnow()
        with self.session() as s:
            query = select(Job).where(Job.state == QUEUED, (Job.queued_at.is_(None)) | (Job.queued_at <= now))
            return [JobView.of(j) for j in s.scalars(query)
                    if j.dispatched_at is None or (now - j.dispatched_at).total_seconds() > redispatch_after_s]

    def expired_leases(self) -> list[JobView]:
        with self.session() as s:
            query = select(Job).where(Job.state == RUNNING, Job.lease_until < utcnow())
            return [JobView.of(j) for j in s.scalars(query)]

    def mark_deleted(self, job_id: str, actor: str, what: str, paths: list[str], why: str = "retention") -> None:
        """Record that the job's ``audio`` or ``outputs`` were deleted (by ``retention``, or by a person: ``job``)."""
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None:
                return
            if what == "audio":
                job.audio_deleted_at = utcnow()
            else:
                job.outputs_deleted_at = utcnow()
            audit.append(s, actor, f"{why}.{what}_deleted", job_id, {"files": len(paths)})

    def add_correction(self, job_id: str, actor: str, correction: dict) -> int:
        """Append a person's correction (:mod:`transcribe.review`); returns how many the job now has. The audit
        row names its kind only: corrections hold names and words."""
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            job.corrections = [*job.corrections, correction]
            audit.append(s, actor, "job.corrected", job_id, {"kind": correction.get("kind"),
                                                             "number": len(job.corrections)})
            return len(job.corrections)

    def record_revision(self, job_id: str, revision: int, actor: str, swap=None, error: str | None = None) -> bool:
        """Record documents rendered again with the first ``revision`` corrections: ``swap()`` (run while the
        job is locked, so two revisions never interleave) puts them in place and returns (outputs, review).
        With ``error`` the revision failed and the earlier documents stay. False when newer documents are in
        place already (nothing is swapped)."""
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None or revision < job.revision:
                return False
            job.revision = revision
            if error:
                job.error = error
                audit.append(s, actor, "job.rerender_failed", job_id, {"corrections": revision, "error": error})
                return True
            outputs, review = swap()
            job.outputs, job.error = outputs, None
            job.checked_by = review.checked_by
            job.checked_at = datetime.fromisoformat(review.checked_at) if review.checked_at else None
            audit.append(s, actor, "job.rerendered", job_id, {"corrections": revision,
                                                              "checked": bool(review.checked_by)})
            return True

    def pending_revisions(self) -> list[JobView]:
        """Succeeded jobs with corrections their documents do not include yet."""
        return [j for j in self.jobs(states=(SUCCEEDED,)) if len(j.corrections) > j.revision]

    def overrides(self) -> dict[str, float]:
        """Settings an administrator changed in the web app (the retention periods), by name."""
        with self.session() as s:
            return {row.key: float(row.value) for row in s.scalars(select(Setting))}

    def set_overrides(self, actor: str, values: dict[str, str]) -> None:
        with self.session() as s:
            for key, value in values.items():
                row = s.get(Setting, key)
                if row is None:
                    s.add(Setting(key=key, value=value))
                else:
                    row.value = value
            audit.append(s, actor, "settings.changed", None, values)

    def record(self, actor: str, action: str, job_id: str | None = None, detail: dict | None = None) -> None:
        """An audit row for something that changes no job (a quarantined file, a report, a download)."""
        with self.session() as s:
            audit.append(s, actor, action, job_id, detail or {})


def worker_name() -> str:
    """``host:pid`` of this process, as leases and audit rows name it."""
    return f"{os.uname().nodename}:{os.getpid()}"


def worker_alive(name: str | None) -> bool:
    """False only when ``name`` is a process on this host that no longer exists (its lease can be taken at
    once); a worker on another host is trusted until its lease runs out."""
    host, _, pid = (name or "").rpartition(":")
    if host != os.uname().nodename or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
