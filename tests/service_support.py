"""Running the real service in tests: an embedded Redis server, worker, watcher and beat processes started with
``python -m workers.cli``, a data folder of the test's own, and the small real recordings they chew on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
JFK = DATA / "jfk.wav"


PG_ADMIN = os.environ.get("PT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server (its URL), dropped afterwards; the test is skipped,
    saying why, when no server answers (``.ci/run`` starts one)."""
    import psycopg
    import pytest

    dsn = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        pytest.skip(f"no PostgreSQL server at {dsn} ({str(e).strip()}); `.ci/run` starts one")
    name = f"pt_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(data_dir: Path, model_root: Path, **overrides: str) -> dict[str, str]:
    """Environment for a service of the test's own: whisper-tiny.en, short leases and intervals."""
    env = {
        "PT_DATA_DIR": str(data_dir), "PT_MODEL": "whisper-tiny.en", "PT_EMBEDDED_REDIS_PORT": str(free_port()),
        "PT_STABLE_S": "1", "PT_RESCAN_S": "2", "PT_RECONCILE_S": "2", "PT_LEASE_S": "8", "PT_RETRY_BACKOFF_S": "1",
        "PT_DATABASE_URL": "", "PT_REDIS_URL": "", "TRANSCRIBE_MODEL_DIR": str(model_root),
        "PT_WEB_PORT": str(free_port()),
        "PT_TEST_RUN": uuid.uuid4().hex,  # marks every process of this service, to find leftovers
    }
    env.update(overrides)
    return env


def apply_env(monkeypatch, env: dict[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def clips(ffmpeg: str, out: Path, count: int, seconds: float = 1.5) -> list[Path]:
    """``count`` distinct short real recordings: slices of jfk.wav at different offsets and speeds."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = out / f"clip-{i:03d}.wav"
        start = (i * 0.37) % 9.0
        tempo = 0.9 + (i % 5) * 0.05
        subprocess.run([ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-ss", f"{start:.2f}", "-t", f"{seconds}",
                        "-i", str(JFK), "-af", f"atempo={tempo:.2f}", "-ar", "16000", "-ac", "1", str(path)],
                       check=True)
        paths.append(path)
    return paths


class Processes:
    """Service processes started by a test, all stopped (and checked gone) at the end."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env = {**os.environ, **env}
        self.logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen([sys.executable, "-m", "workers.cli", *args], env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)
        self.started[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout_s: float = 30.0) -> None:
        process = self.started.pop(name)
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.started):
            self.stop(name)


def wait_for(predicate: Callable[[], object], timeout_s: float, interval_s: float = 0.5, what: str = ""):
    """Poll until ``predicate()`` is truthy; return its value, or fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what or predicate}")
        time.sleep(interval_s)


def processes_marked(marker: str) -> list[int]:
    """Pids of live processes whose environment holds ``PT_TEST_RUN=<marker>``."""
    found = []
    needle = f"PT_TEST_RUN={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().split(")")[-1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
