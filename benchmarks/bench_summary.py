"""`make bench-summary`: the summary quality bar on the synthesised sessions (tuning and held-out reported
separately) and the time to summarise a one-hour transcript.

Usage: python benchmarks/bench_summary.py   (needs the model cache; runs the full pipeline on six recordings)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from summary_quality import SESSIONS, group_scores, load_sessions, score  # noqa: E402

from transcribe.pipeline import Pipeline  # noqa: E402
from transcribe.settings import Settings  # noqa: E402


def main() -> int:
    settings = Settings()
    pipeline = Pipeline(settings.model_dir, settings.pipeline_options())
    pipeline.load()
    rows, first = [], None
    print(f"{'session':36} {'set':9} {'actions':>8} {'flags':>6} {'themes':>7} {'appt':>5} {'roles':>6} {'RTF':>5}")
    for session in load_sessions():
        started = time.perf_counter()
        transcript = pipeline.transcribe(SESSIONS / f"{session['id']}.ogg")
        rtf = transcript.source.duration_s / (time.perf_counter() - started)
        r = score(session, transcript)
        rows.append(r)
        first = first or transcript
        print(f"{r['id']:36} {'tuning' if r['tuning'] else 'held-out':9} {r['actions'][0]}/{r['actions'][1]:<6} "
              f"{r['risk_flags'][0]}/{r['risk_flags'][1]:<4} {r['themes'][0]}/{r['themes'][1]:<5} "
              f"{'yes' if r['appointment_exact'] else 'NO' if r['appointment_heard'] else 'lost':>5} "
              f"{r['role_accuracy']:6.2f} {rtf:5.1f}")
    for group in (True, False):
        sub = [r for r in rows if r["tuning"] == group]
        if not sub:
            continue
        g = group_scores(sub)
        print(f"{'tuning' if group else 'held-out':9} action recall {g['action_recall']:.2f} (of actions whose words "
              f"the recogniser kept: {g['action_recall_heard']:.2f}), risk-flag recall "
              f"{g['flag_recall']:.2f} ({g['unexpected_flags']} unexpected categories, "
              f"{g['unexpected_possible']} more only 'possible'), theme recall "
              f"{g['theme_recall']:.2f}, theme precision {g['theme_precision']:.2f}, appointments exact "
              f"{g['appointments_exact']}/{len(sub)} ('lost': the recogniser lost the spoken date or time)")
    # One hour of talk: the first session's utterances repeated.
    hour = first
    factor = max(1, int(3600 / max(hour.source.duration_s, 1)))
    hour.segments = [s for _ in range(factor) for s in hour.segments]
    started = time.perf_counter()
    pipeline.summarise(hour)
    print(f"summary of a {factor * first.source.duration_s / 60:.0f}-minute transcript "
          f"({len(hour.segments)} utterances): {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
