"""`make bench-service`: the same recordings through the real service with 1 and then 2 worker processes.

Each run gets a fresh data folder, an embedded Redis server and one `transcribe worker --concurrency W`; the
recordings (the synthesised supervision sessions in tests/data/sessions, about 3.3 minutes each) are handed to
the intake at once after the worker is ready, so model loading is measured apart. Prints audio hours per wall
hour, queue latency (received to recognition started), model-load time and peak RSS per worker process, and
the scaling ratio of 2 processes over 1. Figures, not a test.

Usage: python benchmarks/bench_service.py [--count N] [--model whisper-base]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = ROOT / "tests" / "data" / "sessions"
_LOADED = re.compile(r"worker \S+: models loaded in ([\d.]+) s")  # one line per pool process, when it is ready


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(processes: int, count: int, model: str) -> dict:
    """One run, in this process: the environment must already point PT_DATA_DIR at an empty folder."""
    import psutil

    from workers.broker import EmbeddedRedis
    from workers.intake import Intake
    from workers.registry import FAILED, SUCCEEDED
    from workers.service import dispatch, folders_and_registry
    from workers.settings import ServiceSettings

    settings = ServiceSettings()
    folders, registry = folders_and_registry(settings)
    recordings = sorted(SESSIONS.glob("*.ogg"))[:count]
    with EmbeddedRedis(settings):
        log = open(settings.data_dir / "worker.log", "w")  # noqa: SIM115
        worker = subprocess.Popen([sys.executable, "-m", "workers.cli", "worker", "--concurrency", str(processes)],
                                  stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            started = time.monotonic()
            while len(load_s := [float(x) for x in _LOADED.findall(Path(log.name).read_text())]) < processes:
                if time.monotonic() - started > 600 or worker.poll() is not None:
                    raise RuntimeError("the worker did not start:\n" + Path(log.name).read_text()[-2000:])
                time.sleep(0.5)
            intake = Intake(settings, folders, registry, lambda job: dispatch(registry, job), actor="bench")
            pool = [p for p in psutil.Process(worker.pid).children()]
            peak = {p.pid: 0 for p in pool}
            t0 = time.monotonic()
            for recording in recordings:
                with tempfile.TemporaryDirectory(dir=folders.store, prefix=".bench-") as tmp:
                    copy = Path(tmp) / "recording"
                    copy.write_bytes(recording.read_bytes())
                    intake.take(copy, owner="bench", name=recording.name)
            while True:
                for p in pool:
                    try:
                        peak[p.pid] = max(peak[p.pid], p.memory_info().rss)
                    except psutil.NoSuchProcess:
                        pass
                jobs = registry.jobs(owner="bench")
                if all(j.state in (SUCCEEDED, FAILED) for j in jobs):
                    break
                time.sleep(0.5)
            wall = time.monotonic() - t0
        finally:
            worker.terminate()
            worker.wait(60)
            log.close()
    done = [j for j in jobs if j.state == SUCCEEDED]
    audio = sum(j.duration_s or 0.0 for j in done)
    waits = [j.timings.get("queue_wait", 0.0) for j in done]
    return {"processes": processes, "recordings": len(jobs), "succeeded": len(done), "audio_s": round(audio, 1),
            "wall_s": round(wall, 1), "audio_hours_per_wall_hour": round(audio / wall, 2),
            "queue_latency_median_s": round(median(waits), 2) if waits else None,
            "queue_latency_max_s": round(max(waits), 2) if waits else None,
            "model_load_s": load_s, "peak_rss_mb": [round(v / 2**20) for v in peak.values()]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=8, help="recordings per run (default 8)")
    parser.add_argument("--model", default="whisper-base")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)  # internal: one run, JSON on stdout
    args = parser.parse_args()
    if args.run:
        print(json.dumps(measure(args.run, args.count, args.model)))
        return 0
    results = []
    for processes in (1, 2):
        with tempfile.TemporaryDirectory(prefix="bench-service-") as data:
            env = {**os.environ, "PT_DATA_DIR": data, "PT_MODEL": args.model, "PT_DATABASE_URL": "", "PT_REDIS_URL": "",
                   "PT_EMBEDDED_REDIS_PORT": str(_free_port()), "PT_RETAIN_AUDIO_DAYS": "0"}
            out = subprocess.run([sys.executable, __file__, "--run", str(processes), "--count", str(args.count),
                                  "--model", args.model], env=env, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'processes':>9} {'jobs':>5} {'audio min':>9} {'wall s':>7} {'audio h / wall h':>16} "
          f"{'queue latency median/max s':>27} {'model load s':>14} {'peak RSS MB':>12}")
    for r in results:
        print(f"{r['processes']:>9} {r['succeeded']:>2}/{r['recordings']:<2} {r['audio_s'] / 60:>9.1f} {r['wall_s']:>7.1f} "
              f"{r['audio_hours_per_wall_hour']:>16.2f} {r['queue_latency_median_s']:>13}/{r['queue_latency_max_s']:<13} "
              f"{', '.join(f'{x:.1f}' for x in r['model_load_s']):>14} {', '.join(map(str, r['peak_rss_mb'])):>12}")
    one, two = results
    print(f"scaling 2 processes / 1: {two['audio_hours_per_wall_hour'] / one['audio_hours_per_wall_hour']:.2f}x "
          f"({os.cpu_count()} CPU cores; model {args.model})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
