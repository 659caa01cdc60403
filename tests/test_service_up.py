"""``transcribe up``: the whole service in one command on a bare data folder (embedded Redis, the registry on
the real PostgreSQL server, the web app), a killed worker replaced, and a clean stop that leaves no process behind."""

import os
import signal
import subprocess
import sys

from service_support import JFK, ROOT, postgres_database, processes_marked, service_env, wait_for

from workers.registry import SUCCEEDED, Registry


def _children_running(marker: str, parent: int, *words: str) -> list[int]:
    """Pids of the supervisor's children whose command line holds all of ``words``."""
    found = []
    for pid in processes_marked(marker):
        if _parent(pid) != parent:
            continue
        try:
            command = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if all(w in command for w in words):
            found.append(pid)
    return found


def test_up_runs_the_service_replaces_a_killed_worker_and_stops_cleanly(tmp_path, model_root):
    with postgres_database() as database:
        env = service_env(tmp_path / "data", model_root, PT_DATABASE_URL=database)
        marker = env["PT_TEST_RUN"]
        log = open(tmp_path / "up.log", "wb")  # noqa: SIM115
        up = subprocess.Popen([sys.executable, "-m", "workers.cli", "up"], env={**os.environ, **env}, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
        registry = Registry(database)
        try:
            inbox = tmp_path / "data" / "inbox" / "jwalsh"
            # The web app answers once the registry is migrated and the data folder made.
            health = f"http://127.0.0.1:{env['PT_WEB_PORT']}/healthz"
            wait_for(lambda: _get(health) == "ok", 90, what="the web app answering")
            inbox.mkdir(parents=True, exist_ok=True)
            (inbox / "first.wav").write_bytes(JFK.read_bytes())
            wait_for(lambda: [j for j in registry.jobs(owner="jwalsh") if j.state == SUCCEEDED], 180,
                     what="the first recording processed")
            # The pipeline worker's main process dies without warning: the supervisor starts another.
            [worker] = wait_for(lambda: _children_running(marker, up.pid, "worker", "interactive,overnight"), 30)
            pool = [p for p in processes_marked(marker) if _parent(p) == worker]
            os.kill(worker, signal.SIGKILL)
            wait_for(lambda: [p for p in _children_running(marker, up.pid, "worker", "interactive,overnight")
                              if p != worker],
                     60, what="a new pipeline worker")
            wait_for(lambda: not any(_alive(p) for p in pool), 30, what="the killed worker's pool gone with it")
            (inbox / "second.wav").write_bytes(JFK.read_bytes()[:-32000])  # another recording (a second shorter)
            wait_for(lambda: len([j for j in registry.jobs(owner="jwalsh") if j.state == SUCCEEDED]) == 2, 240,
                     what="the second recording processed by the new worker")
            assert len(processes_marked(marker)) >= 6  # redis, two workers and their pools, beat, watcher, web app

        finally:
            up.send_signal(signal.SIGTERM)
            code = up.wait(120)
            registry.close()
            log.close()
        output = (tmp_path / "up.log").read_text(errors="replace")
        assert code == 0, output[-3000:]
        assert processes_marked(marker) == [], output[-3000:]  # nothing left running
        assert "keeps stopping" not in output


def _get(url: str) -> str | None:
    import httpx

    try:
        return httpx.get(url, timeout=2).text
    except httpx.HTTPError:
        return None


def _parent(pid: int) -> int:
    try:
        return int(open(f"/proc/{pid}/stat").read().split(")")[-1].split()[1])
    except OSError:
        return 0


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
