"""Housekeeping without a broker: the overnight window and morning report, retention, `transcribe batch`,
`transcribe audit verify`, and the reconciler's view of expired leases (real SQLite registry, real files)."""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from service_support import JFK
from sqlalchemy import text
from typer.testing import CliRunner

from workers.cli import app
from workers.folders import DataFolders
from workers.overnight import in_window, morning_report
from workers.registry import (
    FAILED,
    PUBLISH,
    QUEUED,
    RECOGNISE,
    SUCCEEDED,
    WAITING,
    Job,
    Registry,
    new_job_id,
    utcnow,
)
from workers.retention import apply_retention
from workers.settings import ServiceSettings


@pytest.fixture
def service(tmp_path, monkeypatch):
    monkeypatch.setenv("PT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PT_DATABASE_URL", "")
    settings = ServiceSettings()
    folders = DataFolders(settings.data_dir)
    folders.create()
    registry = Registry(settings.registry_url)
    registry.migrate()
    yield settings, folders, registry
    registry.close()


def _job(registry, state, sha, finished_at=None, error=None, owner="jwalsh"):
    job, _ = registry.add_job("test", job_id=new_job_id(), owner=owner, display_name="a.wav", sha256=sha * 64,
                              size_bytes=1)
    with registry.session() as s:
        row = s.get(Job, job.id)
        row.state, row.error, row.duration_s, row.timings = state, error, 120.0, {"total": 30.0}
        row.finished_at = finished_at or utcnow() - timedelta(hours=1)
    return job.id


@pytest.mark.parametrize("window, clock, inside", [
    ((time(19), time(7)), time(23, 30), True), ((time(19), time(7)), time(6, 59), True),
    ((time(19), time(7)), time(7), False), ((time(19), time(7)), time(12), False),
    ((time(9), time(17)), time(10), True), ((time(9), time(17)), time(18), False),
])
def test_the_overnight_window_may_cross_midnight(window, clock, inside):
    assert in_window(datetime(2026, 12, 2, clock.hour, clock.minute), window) is inside


def test_invalid_windows_are_refused(monkeypatch):
    monkeypatch.setenv("PT_OVERNIGHT_WINDOW", "7pm to 7am")
    with pytest.raises(ValueError, match="19:00-07:00"):
        ServiceSettings()


def test_the_morning_report_is_written_once_when_the_window_closes(service):
    settings, folders, registry = service
    zone = ZoneInfo(settings.timezone)
    morning = datetime.now(zone).replace(hour=7, minute=5, second=0, microsecond=0)
    done = _job(registry, SUCCEEDED, "a", finished_at=morning - timedelta(hours=3))  # 04:05: in the night
    failed = _job(registry, FAILED, "b", finished_at=morning - timedelta(hours=11), error="not a readable audio file")
    _job(registry, SUCCEEDED, "c", finished_at=morning - timedelta(hours=27))  # the night before: not in this report
    registry.add_job("test", job_id=new_job_id(), owner="kpatel", display_name="b.wav", sha256="d" * 64,
                     size_bytes=1, overnight=True)
    assert morning_report(settings, registry, folders, morning.replace(hour=6)) is None  # still night
    path = morning_report(settings, registry, folders, morning)
    report = path.read_text()
    assert "Succeeded: 1 (0.03 hours of audio)   Failed: 1" in report
    assert f"{failed} (jwalsh): not a readable audio file" in report and done in report
    assert "Backlog left: 1 waiting, 0 queued, 0 running" in report
    assert json.loads(path.with_suffix(".json").read_text())["failed"] == 1
    assert morning_report(settings, registry, folders, morning + timedelta(minutes=1)) is None  # once a day


def test_retention_deletes_what_is_due_audits_it_and_keeps_failed_jobs(service, monkeypatch):
    settings, folders, registry = service
    monkeypatch.setenv("PT_RETAIN_AUDIO_DAYS", "1")
    monkeypatch.setenv("PT_RETAIN_OUTPUT_DAYS", "7")
    settings = ServiceSettings()
    jobs = {"old": _job(registry, SUCCEEDED, "a", finished_at=utcnow() - timedelta(days=8)),
            "recent": _job(registry, SUCCEEDED, "b", finished_at=utcnow() - timedelta(hours=2)),
            "failed": _job(registry, FAILED, "c", finished_at=utcnow() - timedelta(days=30), error="disk full")}
    for job_id in jobs.values():
        folders.store_dir(job_id).mkdir(parents=True)
        folders.recording(job_id).write_bytes(JFK.read_bytes())
        outbox = folders.outbox_dir("jwalsh", job_id, datetime.now().date())
        outbox.mkdir(parents=True)
        (outbox / "summary.docx").write_bytes(b"x")
        folders.work_dir(job_id).mkdir(parents=True)
        (folders.work_dir(job_id) / "transcript.json").write_text("{}")
        with registry.session() as s:
            s.get(Job, job_id).outputs = {"summary.docx": folders.relative(outbox / "summary.docx"),
                                          "transcript.json": folders.relative(folders.work_dir(job_id) / "transcript.json")}
    assert apply_retention(settings, registry, folders, "test") == {"audio": 1, "outputs": 1}
    old, recent, failed = (registry.get(jobs[k]) for k in ("old", "recent", "failed"))
    assert not folders.store_dir(jobs["old"]).exists() and not folders.work_dir(jobs["old"]).exists()
    assert old.audio_deleted_at and old.outputs_deleted_at
    assert folders.recording(jobs["recent"]).exists() and recent.audio_deleted_at is None
    assert folders.recording(jobs["failed"]).exists() and failed.audio_deleted_at is None  # a person decides
    assert apply_retention(settings, registry, folders, "test") == {"audio": 0, "outputs": 0}
    with registry.session() as s:
        actions = [r[0] for r in s.execute(text("SELECT action FROM audit WHERE job_id = :j"), {"j": jobs["old"]})]
    assert "retention.audio_deleted" in actions and "retention.outputs_deleted" in actions


def test_batch_registers_a_backlog_for_the_night_and_leaves_the_originals(service, tmp_path):
    settings, folders, registry = service
    backlog = tmp_path / "backlog"
    backlog.mkdir()
    (backlog / "one.wav").write_bytes(JFK.read_bytes())
    (backlog / "same again.wav").write_bytes(JFK.read_bytes())
    (backlog / "two.wav").write_bytes(JFK.read_bytes()[:-16000])
    (backlog / ".hidden.wav").write_bytes(b"x")
    result = CliRunner().invoke(app, ["batch", str(backlog), "--owner", "jwalsh"])
    assert result.exit_code == 0, result.output
    assert "2 new job(s) for jwalsh (overnight), 1 already received" in result.output
    assert {j.state for j in registry.jobs(owner="jwalsh")} == {WAITING}
    assert len(list(backlog.iterdir())) == 4  # copied, not moved
    assert CliRunner().invoke(app, ["batch", str(backlog), "--owner", "Not A Name"]).exit_code == 2


def test_audit_verify_on_the_command_line(service):
    settings, folders, registry = service
    _job(registry, SUCCEEDED, "a")
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["ok"] is True
    with registry.session() as s:
        s.execute(text("DROP TRIGGER audit_no_update"))
        s.execute(text("UPDATE audit SET actor = 'someone' WHERE seq = 1"))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "row 1 was changed" in broken.output


def test_the_reconciler_requeues_a_silent_worker_s_job_and_fails_a_job_that_keeps_killing_its_worker(service):
    from workers.execution import WorkerContext
    from workers.service import reconcile

    settings, folders, registry = service
    ctx = WorkerContext(settings, folders, registry, None, "test:1")
    silent, _ = registry.add_job("test", job_id=new_job_id(), owner="jwalsh", display_name="a", sha256="a" * 64,
                                 size_bytes=1)
    deadly, _ = registry.add_job("test", job_id=new_job_id(), owner="jwalsh", display_name="b", sha256="b" * 64,
                                 size_bytes=1)
    for job in (silent, deadly):
        registry.claim(job.id, RECOGNISE, "elsewhere:1", lease_s=60)
    with registry.session() as s:
        s.get(Job, silent.id).lease_until = utcnow() - timedelta(seconds=1)
        row = s.get(Job, deadly.id)
        row.lease_until, row.attempts, row.stage = utcnow() - timedelta(seconds=1), settings.max_attempts, PUBLISH
    result = reconcile(ctx)  # no broker here: the requeued job waits for the next round to be sent
    assert result["requeued"] == 1 and result["failed"] == 1
    assert registry.get(silent.id).state == QUEUED
    assert registry.get(deadly.id).state == FAILED and "worker stopped during each" in registry.get(deadly.id).error


def test_settings_come_from_a_config_file_and_the_environment_wins(tmp_path, monkeypatch):
    config = tmp_path / "service.toml"
    config.write_text('overnight_window = "22:00-05:30"\nconcurrency = 3\nretain_output_days = 14\n')
    monkeypatch.setenv("PT_CONFIG", str(config))
    monkeypatch.setenv("PT_CONCURRENCY", "2")
    settings = ServiceSettings()
    assert settings.window == (time(22), time(5, 30))
    assert settings.concurrency == 2 and settings.retain_output_days == 14
    assert settings.registry_url == f"sqlite:///{settings.data_dir / 'registry.db'}"


def test_a_damaged_checkpoint_is_removed_so_the_retry_recognises_again(tmp_path):
    from workers.execution import _earlier_checkpoint

    damaged = tmp_path / "recognised.json"
    damaged.write_text('{"schema": 1, "source": ')  # cut short when its disk filled
    assert _earlier_checkpoint(damaged) is None and not damaged.exists()
    assert _earlier_checkpoint(tmp_path / "never-written.json") is None
