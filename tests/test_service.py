"""The service under faults and load: a real Redis server, two worker processes started separately (the pool
scaled out on one machine), the drop-folder watcher and beat, real files, real models (whisper-tiny.en).

One service runs for the whole module; each test uses officers of its own, so their jobs and folders do not
mix. What is checked is what an officer or an auditor would see: outputs, quarantine, registry, audit trail.
"""

import json
import os
import shutil
import signal
import subprocess
import time
from datetime import datetime, timedelta

import pytest
from service_support import JFK, ROOT, Processes, clips, service_env, wait_for

from workers.audit import verify
from workers.broker import EmbeddedRedis
from workers.folders import DataFolders
from workers.registry import FAILED, RUNNING, SUCCEEDED, AuditRow, Registry
from workers.settings import ServiceSettings


@pytest.fixture(scope="module")
def service(tmp_path_factory, model_root):
    data = tmp_path_factory.mktemp("service")
    now = datetime.now()
    window = f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=2)):%H:%M}"  # open for the whole module
    env = service_env(data, model_root, PT_OVERNIGHT_WINDOW=window, PT_MAX_ATTEMPTS="2")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        settings = ServiceSettings()
        folders = DataFolders(settings.data_dir)
        folders.create()
        registry = Registry(settings.registry_url)
        registry.migrate()
        redis = EmbeddedRedis(settings)
        redis.start()
        processes = Processes(env, data / "logs")
        for name in ("worker-a", "worker-b"):  # two pools started separately: scale-out on one machine
            processes.start(name, "worker", "--queues", "interactive,overnight,service", "--concurrency", "1")
        processes.start("watcher", "watch")
        processes.start("beat", "beat")
        wait_for(lambda: all("ready." in processes.log(n) for n in ("worker-a", "worker-b")), 120,
                 what="both workers ready")
        try:
            yield settings, folders, registry, redis, processes
        finally:
            processes.stop_all()
            redis.stop()
            registry.close()


def _drop(folders, owner, source, name=None, data=None):
    """Write a file into the officer's inbox the way a copy does: under a temporary name, then renamed."""
    target = folders.inbox_of(owner) / (name or source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(source.read_bytes() if data is None else data)
    os.replace(temporary, target)
    return target


def _jobs(registry, owner):
    return registry.jobs(owner=owner)


def _settled(registry, owner, count):
    jobs = _jobs(registry, owner)
    return len(jobs) == count and all(j.state in (SUCCEEDED, FAILED) for j in jobs) and jobs


def _audit(registry, job_id=None):
    with registry.session() as s:
        from sqlalchemy import select

        query = select(AuditRow).order_by(AuditRow.seq)
        if job_id:
            query = query.where(AuditRow.job_id == job_id)
        return [(r.action, r.actor, json.loads(r.detail)) for r in s.scalars(query)]


def _outbox_dirs(folders, owner):
    root = folders.outbox / owner
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_recordings_are_processed_and_malformed_ones_quarantined(service, ffmpeg_exe, tmp_path):
    settings, folders, registry, redis, processes = service
    mp3 = tmp_path / "whole.mp3"
    subprocess.run([ffmpeg_exe, "-loglevel", "error", "-i", str(JFK), "-c:a", "libmp3lame", str(mp3)], check=True)
    zero = tmp_path / "zero.wav"
    subprocess.run([ffmpeg_exe, "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "0",
                    str(zero)], check=True)
    wav = JFK.read_bytes()
    data_at = wav.find(b"data")
    lying = wav[:data_at + 4] + (16000 * 2 * 3600).to_bytes(4, "little") + wav[data_at + 8:]
    bad = {"empty.wav": b"", "truncated.mp3": mp3.read_bytes()[:20000], "notes.wav": b"Officer's notes\n" * 100,
           "zero seconds.wav": zero.read_bytes(), "lying header.wav": lying}
    for name, data in bad.items():
        _drop(folders, "mal", JFK, name, data)
    _drop(folders, "mal", JFK, "Jo Bloggs — séance 12 März.wav")
    (folders.inbox_of("mal") / "link.wav").symlink_to(JFK)
    jobs = wait_for(lambda: _settled(registry, "mal", 6), 180, what="six jobs settled")
    by_name = {j.display_name: j for j in jobs}
    good = by_name.pop("Jo Bloggs — séance 12 März.wav")
    assert good.state == SUCCEEDED, good.error
    for name, job in by_name.items():
        assert job.state == FAILED and job.retryable is False and job.error, name
        quarantined = folders.quarantine / "mal" / name
        assert quarantined.read_bytes() == bad[name]  # the original, kept
        reason = quarantined.with_name(name + ".error.txt").read_text()
        assert job.id in reason and job.error in reason and reason.count("\n") == 1
        assert name not in job.error  # errors identify the job, never by file name
    assert "empty" in by_name["empty.wav"].error
    assert "not a readable audio file" in by_name["notes.wav"].error
    assert "cut short" in by_name["truncated.mp3"].error and "cut short" in by_name["lying header.wav"].error
    link_reason = wait_for(lambda: (folders.quarantine / "mal" / "link.wav.error.txt").exists(), 30)
    assert link_reason and JFK.exists()
    assert sorted(p.name for p in folders.inbox_of("mal").iterdir()) == []  # nothing left in the inbox
    # The shared documents, named by job, in the officer's outbox; the unredacted JSON stays in work/.
    outbox = folders.root / good.outputs["transcript.docx"]
    assert outbox.parent.name.endswith(good.id) and "Bloggs" not in str(outbox)
    assert {"transcript.docx", "summary.docx", "transcript.txt", "transcript.srt", "transcript.vtt"} == \
        {p.name for p in outbox.parent.iterdir()}
    assert (folders.work_dir(good.id) / "transcript.json").stat().st_mode & 0o077 == 0
    assert not folders.store_dir(good.id).exists()  # audio deleted once done (PT_RETAIN_AUDIO_DAYS=0)
    assert ("retention.audio_deleted", ) == tuple(a for a, *_ in _audit(registry, good.id) if a.startswith("retention"))
    for name in ("worker-a", "worker-b"):
        assert processes.started[name].poll() is None  # no bad file stopped a worker
        log = processes.log(name)
        assert "Bloggs" not in log and "séance" not in log and "ask not what your country" not in log


def test_a_worker_killed_mid_recognition_loses_nothing(service, ffmpeg_exe, tmp_path):
    settings, folders, registry, redis, processes = service
    long = tmp_path / "long.wav"  # about 100 s: recognition takes long enough to be interrupted
    sample = ROOT / "samples" / "pyannote_sample.wav"
    subprocess.run([ffmpeg_exe, "-loglevel", "error", "-i", str(sample), "-i", str(sample), "-i", str(sample),
                    "-i", str(JFK), "-filter_complex", "concat=n=4:v=0:a=1", "-ar", "16000", "-ac", "1", str(long)],
                   check=True)
    _drop(folders, "killed", long)
    running = wait_for(lambda: next((j for j in _jobs(registry, "killed") if j.state == RUNNING
                                     and j.stage == "recognise" and j.stage_progress.get("decode") == 1.0), None),
                       120, interval_s=0.2, what="recognition under way")
    victim = int(running.worker.rsplit(":", 1)[1])
    os.kill(victim, signal.SIGKILL)
    [job] = wait_for(lambda: _settled(registry, "killed", 1), 240, what="the job finished elsewhere")
    assert job.state == SUCCEEDED, job.error
    assert len(_outbox_dirs(folders, "killed")) == 1  # exactly one set of outputs
    trail = _audit(registry, job.id)
    started = [(actor, d) for action, actor, d in trail if action == "job.started"]
    assert [d["stage"] for _, d in started].count("recognise") == 2  # the retry shows
    assert any(action in ("job.taken_over", "job.requeued") for action, _, _ in trail)
    assert started[1][0] != f"{os.uname().nodename}:{victim}"
    assert [a for a, _, _ in trail].count("job.succeeded") == 1


def test_a_redis_restart_mid_batch_loses_and_duplicates_nothing(service, ffmpeg_exe, tmp_path):
    settings, folders, registry, redis, processes = service
    for clip in clips(ffmpeg_exe, tmp_path / "clips", 8, seconds=2.5):
        _drop(folders, "restart", clip)
    wait_for(lambda: len(_jobs(registry, "restart")) == 8, 60, what="eight jobs received")
    wait_for(lambda: any(j.state == SUCCEEDED for j in _jobs(registry, "restart")), 120, what="the batch under way")
    redis.stop()  # a clean stop: Redis writes its append-only file
    time.sleep(3)
    redis.start()
    jobs = wait_for(lambda: _settled(registry, "restart", 8), 300, what="every job finished")
    assert all(j.state == SUCCEEDED for j in jobs), [j.error for j in jobs]
    assert len(_outbox_dirs(folders, "restart")) == 8
    for job in jobs:
        assert [a for a, _, _ in _audit(registry, job.id)].count("job.succeeded") == 1


def test_two_hundred_recordings_at_once(service, ffmpeg_exe, tmp_path):
    """Dropped at once, valid and invalid mixed: every valid one processed, every invalid one quarantined with
    a reason, the inbox emptied, the registry and the outbox agreeing; both workers took part."""
    settings, folders, registry, redis, processes = service
    valid = clips(ffmpeg_exe, tmp_path / "clips", 150, seconds=1.0)
    staging = tmp_path / "drop"
    staging.mkdir()
    for clip in valid:
        shutil.copy(clip, staging / clip.name)
    for i in range(50):
        (staging / f"bad-{i:02d}.wav").write_bytes(b"not audio %d\n" % i * 20)
    target = folders.inbox_of("load")
    target.mkdir()
    for path in staging.iterdir():  # a rename each: as a file manager's move does
        os.rename(path, target / path.name)
    jobs = wait_for(lambda: _settled(registry, "load", 200), 600, interval_s=2, what="200 jobs settled")
    succeeded = {j.id for j in jobs if j.state == SUCCEEDED}
    failed = [j for j in jobs if j.state == FAILED]
    assert len(succeeded) == 150 and len(failed) == 50
    assert all(j.display_name.startswith("bad-") for j in failed)
    assert list(target.iterdir()) == []
    assert {name.split("_", 1)[1] for name in _outbox_dirs(folders, "load")} == succeeded
    quarantined = sorted(p.name for p in (folders.quarantine / "load").iterdir() if not p.name.endswith(".error.txt"))
    assert quarantined == sorted(j.display_name for j in failed)
    workers = {actor.split(":")[1] for j in jobs for action, actor, _ in _audit(registry, j.id) if action == "job.started"}
    assert len(workers) >= 2  # both pools took work
    with registry.session() as s:
        assert verify(s).ok


@pytest.mark.parametrize("problem", ["full", "read-only"])
def test_an_unwritable_outbox_fails_the_job_retryably_and_deletes_nothing(service, tmp_path, problem):
    settings, folders, registry, redis, processes = service
    owner = f"disk-{problem.replace('-', '')}"
    outbox = folders.outbox / owner
    outbox.mkdir(parents=True)
    options = "size=16k" if problem == "full" else "size=1m,ro"
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(outbox)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}): needs root and CAP_SYS_ADMIN")
    try:
        _drop(folders, owner, JFK, f"{problem}.wav")
        [job] = wait_for(lambda: _settled(registry, owner, 1), 180, what="the job failed")
        assert job.state == FAILED and job.retryable is True and job.stage == "publish"
        assert ("No space left on device" if problem == "full" else "Read-only file system") in job.error
        assert "after 2 attempts" in job.error
        assert folders.recording(job.id).exists() and (folders.work_dir(job.id) / "recognised.json").exists()
    finally:
        subprocess.run(["umount", str(outbox)], check=True)
    retried = subprocess.run([os.sys.executable, "-m", "workers.cli", "jobs", "retry", job.id], env=processes.env,
                             capture_output=True, text=True, cwd=ROOT)
    assert retried.returncode == 0 and "queued again" in retried.stdout, retried.stderr
    [done] = wait_for(lambda: _settled(registry, owner, 1), 120, what="the retried job finished")
    assert done.state == SUCCEEDED, done.error
    actions = [a for a, _, _ in _audit(registry, job.id)]
    assert actions.count("job.requeued") >= 2 and "job.failed" in actions


def test_overnight_jobs_are_released_in_the_window_and_a_duplicate_is_one_job(service):
    settings, folders, registry, redis, processes = service
    _drop(folders, "night", JFK, name="overnight/backlog.wav")
    [job] = wait_for(lambda: _settled(registry, "night", 1), 120, what="the overnight job finished")
    assert job.state == SUCCEEDED and job.queue == "overnight"
    assert "job.released" in [a for a, _, _ in _audit(registry, job.id)]
    _drop(folders, "night", JFK, name="backlog again.wav")
    kept = folders.quarantine / "night" / "backlog again.wav"
    wait_for(kept.exists, 30, what="the duplicate kept aside")
    assert f"already received as job {job.id}" in kept.with_name(kept.name + ".error.txt").read_text()
    assert len(_jobs(registry, "night")) == 1


def test_status_reports_queues_workers_and_jobs(service):
    settings, folders, registry, redis, processes = service
    result = subprocess.run([os.sys.executable, "-m", "workers.cli", "status", "--json"], env=processes.env,
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["workers"]) == 2 and set(report["queues"]) == {"interactive", "overnight", "service"}
    assert report["jobs"]["succeeded"] >= 1 and report["recent"]
    assert "display_name" not in json.dumps(report) and "Bloggs" not in result.stdout
    assert {"decode", "asr", "diarise", "total"} <= set(report["stage_durations"])


def test_the_audit_trail_is_intact_after_everything(service):
    settings, folders, registry, redis, processes = service
    result = subprocess.run([os.sys.executable, "-m", "workers.cli", "audit", "verify"], env=processes.env,
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0 and "audit trail intact" in result.stdout, result.stdout + result.stderr
