"""Load on loopback: 20 signed-in sessions browse and download at once for 60 s against ``transcribe serve``
(one process, SQLite registry, every view and download audited). No request may fail; the median and p95
page times and the request rate are reported. ``PT_LOAD_SECONDS`` / ``PT_LOAD_SESSIONS`` change the run
(``make bench-web``)."""

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import httpx
import pytest
from service_support import ROOT, free_port, wait_for
from web_support import CSRF, PASSWORD, make_accounts, published_job

SECONDS = float(os.environ.get("PT_LOAD_SECONDS", "60"))
SESSIONS = int(os.environ.get("PT_LOAD_SESSIONS", "20"))
OWNERS = ("jwalsh", "kpatel")


@pytest.fixture
def server(tmp_path, monkeypatch):
    env = {"PT_DATA_DIR": str(tmp_path / "data"), "PT_DATABASE_URL": "", "PT_REDIS_URL": "redis://127.0.0.1:1/0",
           "PT_LOGIN_FAILURES_PER_ADDRESS": "1000"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from web.app import create_app

    svc = create_app().state.service
    make_accounts(svc.registry)
    jobs = {owner: [published_job(svc, owner) for _ in range(5)] for owner in OWNERS}
    svc.registry.close()
    port = free_port()
    log = open(tmp_path / "web.log", "wb")  # noqa: SIM115
    web = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--port", str(port)],
                           env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(url), 60, what="the web app")
        yield url, jobs
    finally:
        web.terminate()
        web.wait(30)
        log.close()


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def _session(url: str, owner: str, job_ids: list[str], until: float, times: dict, errors: list) -> None:
    """One person: sign in, then the jobs list, the progress feed, a job page and its downloads, in a loop."""
    async with httpx.AsyncClient(base_url=url, timeout=30, follow_redirects=True) as client:
        page = await client.get("/login")
        await client.post("/login", data={"username": owner, "password": PASSWORD,
                                          "csrf_token": CSRF.search(page.text).group(1)})
        i = 0
        while time.monotonic() < until:
            job = job_ids[i % len(job_ids)]
            i += 1
            for kind, path in (("jobs list", "/"), ("progress feed", "/jobs/progress.json"),
                               ("job page", f"/jobs/{job}"), ("download", f"/jobs/{job}/download/transcript.docx"),
                               ("download", f"/jobs/{job}/download.zip")):
                started = time.perf_counter()
                response = await client.get(path)
                times[kind].append(time.perf_counter() - started)
                if response.status_code != 200 or response.url.path == "/login":
                    errors.append(f"{path}: {response.status_code}")


async def _load(url: str, jobs: dict) -> tuple[dict, list]:
    times, errors = defaultdict(list), []
    until = time.monotonic() + SECONDS
    await asyncio.gather(*(_session(url, OWNERS[i % 2], jobs[OWNERS[i % 2]], until, times, errors)
                           for i in range(SESSIONS)))
    return times, errors


def test_twenty_sessions_browse_and_download_for_a_minute_without_an_error(server, capsys):
    url, jobs = server
    started = time.monotonic()
    times, errors = asyncio.run(_load(url, jobs))
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS + 60  # bounded: it stopped by itself
    assert not errors, errors[:10]
    every = [t for kind in times.values() for t in kind]
    with capsys.disabled():
        print(f"\nweb load: {SESSIONS} sessions, {elapsed:.0f} s, {len(every)} requests "
              f"({len(every) / elapsed:.1f}/s), no errors")
        for kind, values in sorted(times.items()):
            print(f"  {kind:14s} n={len(values):5d}  median {statistics.median(values) * 1000:6.0f} ms  "
                  f"p95 {_p95(values) * 1000:6.0f} ms")
        print(f"  {'all':14s} n={len(every):5d}  median {statistics.median(every) * 1000:6.0f} ms  "
              f"p95 {_p95(every) * 1000:6.0f} ms")
    assert len(every) > SESSIONS * 5  # every session got through its loop at least once


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
