"""``transcribe up``: the whole service in one command, each part in its own process, supervised.

Started in order: the embedded Redis server (when no ``PT_REDIS_URL`` is set), then the housekeeping worker
(reconciler, overnight release and report, retention), the pipeline workers, Celery beat, the drop-folder
watcher and the web app (unless ``PT_WEB_PORT`` is 0). A part that dies (even by SIGKILL) is started again; a pipeline worker's own pool also replaces a
child process that dies, and the registry's lease brings its job back. SIGTERM or Ctrl-C stops everything in
reverse order: each part gets ``grace_s`` to finish, then is killed; Redis stops last, after writing its data.
Every child asks the kernel to stop it if the supervisor itself dies, so nothing is left behind.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from .broker import EmbeddedRedis
from .settings import ServiceSettings

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux), so no part of the
    service outlives the process that started it."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signum)


@dataclass
class Part:
    """One supervised process: a ``transcribe`` subcommand (of the service's commands, or the web app's)."""

    name: str
    args: list[str]
    module: str = "workers.cli"
    process: subprocess.Popen | None = None
    starts: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.starts = [t for t in self.starts if time.monotonic() - t < 60] + [time.monotonic()]
        self.process = subprocess.Popen([sys.executable, "-m", self.module, *self.args],
                                        stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
        logger.info("started %s (pid %d)", self.name, self.process.pid)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace_s: float) -> None:
        if not self.alive:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            logger.warning("%s did not stop within %.0f s: killed", self.name, grace_s)
            self.process.kill()
            self.process.wait()


def parts(settings: ServiceSettings, workers: int | None) -> list[Part]:
    concurrency = str(workers or settings.concurrency)
    return [Part("housekeeping worker", ["worker", "--queues", "service", "--concurrency", "1"]),
            Part("pipeline workers", ["worker", "--queues", "interactive,overnight", "--concurrency", concurrency]),
            Part("beat", ["beat"]),
            Part("watcher", ["watch"])] + ([Part("web app", ["serve"], module="web.cli")] if settings.web_port else [])


def run(settings: ServiceSettings, workers: int | None = None, grace_s: float = 20.0,
        stop: threading.Event | None = None) -> int:
    """Run the service until SIGTERM, SIGINT or ``stop``; returns the exit status."""
    stop = stop or threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    redis = None if settings.redis_url else EmbeddedRedis(settings)
    if redis is not None:
        redis.start()
        logger.info("embedded Redis on 127.0.0.1:%d, data in %s", redis.port, redis.folder)
    supervised = parts(settings, workers)
    try:
        for part in supervised:
            part.start()
        while not stop.wait(1.0):
            if redis is not None and redis.process.poll() is not None:
                logger.warning("the embedded Redis server stopped: starting it again")
                redis.start()
            for part in supervised:
                if part.alive:
                    continue
                if len(part.starts) >= 5:  # five starts within a minute: something is wrong, stop trying
                    logger.error("%s keeps stopping (exit status %s); the service is stopping", part.name,
                                 part.process.returncode)
                    return 1
                logger.warning("%s stopped (exit status %s): starting it again", part.name, part.process.returncode)
                part.start()
        return 0
    finally:
        for part in reversed(supervised):
            part.stop(grace_s)
        if redis is not None:
            redis.stop()
        logger.info("stopped (pid %d)", os.getpid())
