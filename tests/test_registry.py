"""The job registry and the audit trail, on SQLite and on the real PostgreSQL server (127.0.0.1:5432)."""

import multiprocessing
import os
from datetime import timedelta

import pytest
from service_support import postgres_database
from sqlalchemy import text

from workers.audit import verify
from workers.registry import (
    FAILED,
    PUBLISH,
    QUEUED,
    RECOGNISE,
    RUNNING,
    SUCCEEDED,
    WAITING,
    Job,
    Registry,
    new_job_id,
    utcnow,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request, tmp_path):
    if request.param == "sqlite":
        reg = Registry(f"sqlite:///{tmp_path}/registry.db")
        reg.migrate()
        yield reg
        reg.close()
        return
    with postgres_database() as url:
        reg = Registry(url)
        reg.migrate()
        yield reg
        reg.close()


def _add(reg, owner="jwalsh", sha="a" * 64, **kwargs):
    return reg.add_job("test", job_id=new_job_id(), owner=owner, display_name="Jo Bloggs 12 March.m4a", sha256=sha,
                       size_bytes=1000, **kwargs)


def test_the_same_recording_from_the_same_officer_is_one_job(registry):
    first, created = _add(registry)
    again, created_again = _add(registry)
    other_officer, created_other = _add(registry, owner="kpatel")
    assert created and not created_again and created_other
    assert again.id == first.id and other_officer.id != first.id
    assert (first.state, first.stage, first.queue) == (QUEUED, RECOGNISE, "interactive")
    assert _add(registry, sha="b" * 64, overnight=True)[0].state == WAITING


def test_a_job_is_claimed_by_one_worker_and_taken_over_when_its_lease_expires(registry):
    job, _ = _add(registry)
    assert registry.claim(job.id, RECOGNISE, "host:1", lease_s=60).attempts == 1
    assert registry.claim(job.id, RECOGNISE, "host:2", lease_s=60) is None  # held by a live worker
    assert registry.claim(job.id, PUBLISH, "host:2", lease_s=60) is None  # not at that stage
    assert registry.heartbeat(job.id, "host:1", 60, {"decode": 1.0, "asr": 0.5})
    assert registry.get(job.id).progress == 0.75
    with registry.session() as s:  # the worker went silent
        s.get(Job, job.id).lease_until = utcnow() - timedelta(seconds=1)
    assert [j.id for j in registry.expired_leases()] == [job.id]
    taken = registry.claim(job.id, RECOGNISE, "host:2", lease_s=60)
    assert taken.worker == "host:2" and taken.attempts == 2
    assert not registry.heartbeat(job.id, "host:1", 60)  # the old worker has lost it
    assert not registry.finish_stage(job.id, "host:1", RECOGNISE, {"asr": 1.0})


def test_a_dead_worker_on_this_host_loses_its_job_at_once(registry):
    job, _ = _add(registry)
    dead = multiprocessing.Process(target=int)
    dead.start()
    dead.join()
    assert registry.claim(job.id, RECOGNISE, f"{os.uname().nodename}:{dead.pid}", lease_s=600)
    assert registry.claim(job.id, RECOGNISE, "elsewhere:1", lease_s=600).worker == "elsewhere:1"


def test_the_two_halves_then_success(registry):
    job, _ = _add(registry)
    registry.claim(job.id, RECOGNISE, "w:1", 60)
    assert registry.finish_stage(job.id, "w:1", RECOGNISE, {"decode": 0.1, "asr": 2.0}, duration_s=11.0)
    after = registry.get(job.id)
    assert (after.state, after.stage, after.attempts, after.duration_s) == (QUEUED, PUBLISH, 0, 11.0)
    registry.claim(job.id, PUBLISH, "w:2", 60)
    assert registry.finish_stage(job.id, "w:2", PUBLISH, {"render": 0.3}, outputs={"summary.docx": "outbox/x"})
    done = registry.get(job.id)
    assert done.state == SUCCEEDED and done.stage is None and done.finished_at is not None
    assert done.timings == {"decode": 0.1, "asr": 2.0, "render": 0.3, "queue_wait": done.timings["queue_wait"]}
    assert registry.counts()[SUCCEEDED] == 1


def test_failure_retry_and_back_off(registry):
    job, _ = _add(registry)
    registry.claim(job.id, RECOGNISE, "w:1", 60)
    registry.requeue(job.id, "w:1", "transient", delay_s=3600)
    assert registry.get(job.id).state == QUEUED
    assert registry.due_for_dispatch(0) == []  # backing off
    registry.claim(job.id, RECOGNISE, "w:1", 60)
    registry.fail(job.id, "w:1", "disk full", retryable=True)
    failed = registry.get(job.id)
    assert (failed.state, failed.error, failed.retryable) == (FAILED, "disk full", True)
    assert registry.requeue(job.id, "cli", "retried by a person")
    again = registry.get(job.id)
    assert again.state == QUEUED and again.attempts == 0 and again.error is None
    assert [j.id for j in registry.due_for_dispatch(0)] == [job.id]


def test_overnight_jobs_wait_until_released(registry):
    job, _ = _add(registry, overnight=True)
    assert registry.claim(job.id, RECOGNISE, "w:1", 60) is None
    assert registry.release_waiting("beat") == [job.id]
    assert registry.get(job.id).state == QUEUED


def test_audit_chain_verifies_and_the_database_refuses_edits(registry):
    job, _ = _add(registry)
    registry.claim(job.id, RECOGNISE, "w:1", 60)
    registry.fail(job.id, "w:1", "not audio", retryable=False)
    with registry.session() as s:
        result = verify(s)
    assert result.ok and result.rows == 3
    for statement in ("UPDATE audit SET actor = 'someone else' WHERE seq = 2", "DELETE FROM audit WHERE seq = 3"):
        with pytest.raises(Exception, match="append-only"), registry.session() as s:
            s.execute(text(statement))


def _drop_append_only_guard(registry) -> None:
    """What someone with full control of the database could do first."""
    with registry.session() as s:
        if registry.engine.dialect.name == "sqlite":
            s.execute(text("DROP TRIGGER audit_no_update"))
            s.execute(text("DROP TRIGGER audit_no_delete"))
        else:
            s.execute(text("DROP TRIGGER audit_no_change ON audit"))


@pytest.mark.parametrize("tamper, problem", [
    ("UPDATE audit SET detail = '{\"owner\":\"kpatel\"}' WHERE seq = 2", "row 2 was changed"),
    ("DELETE FROM audit WHERE seq = 2", "row 2 is missing"),
    ("DELETE FROM audit WHERE seq = 4", "rows after 3 were deleted"),
])
def test_audit_verify_finds_an_edited_or_deleted_row(registry, tamper, problem):
    for i in range(2):
        job, _ = _add(registry, sha=str(i) * 64)
        registry.claim(job.id, RECOGNISE, "w:1", 60)
    _drop_append_only_guard(registry)
    with registry.session() as s:
        s.execute(text(tamper))
    with registry.session() as s:
        result = verify(s)
    assert not result.ok and result.problem.startswith(problem), result


def _claim_in_process(url: str, job_id: str, worker: str, queue) -> None:
    reg = Registry(url)
    queue.put(bool(reg.claim(job_id, RECOGNISE, worker, 60)))
    reg.close()


def test_concurrent_claims_from_separate_processes_give_the_job_to_one(registry):
    job, _ = _add(registry)
    queue = multiprocessing.get_context("spawn").Queue()
    processes = [multiprocessing.get_context("spawn").Process(target=_claim_in_process,
                                                              args=(registry.url, job.id, f"elsewhere:{i}", queue))
                 for i in range(4)]
    for p in processes:
        p.start()
    results = [queue.get(timeout=60) for _ in processes]
    for p in processes:
        p.join()
    assert sorted(results) == [False, False, False, True]
    assert registry.get(job.id).state == RUNNING
    with registry.session() as s:
        assert verify(s).ok


def _migrate_in_process(url: str) -> None:
    Registry(url).migrate()


def test_migrations_are_idempotent_and_safe_from_several_processes(tmp_path):
    url = f"sqlite:///{tmp_path}/registry.db"
    processes = [multiprocessing.get_context("spawn").Process(target=_migrate_in_process, args=(url,))
                 for _ in range(3)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    assert [p.exitcode for p in processes] == [0, 0, 0]
    reg = Registry(url)
    reg.migrate()
    with reg.session() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"  # the latest
