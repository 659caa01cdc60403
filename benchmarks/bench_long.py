"""`make bench-long` (and the second half of `make bench`): the whole pipeline on long recordings beside the
naive baseline, each run in its own process, and ``docs/PERFORMANCE.md`` + ``docs/performance.png``.

For each length in ``--minutes`` (default 10 30 60) a recording is assembled from the real speech of the
evaluation set (:mod:`benchmarks.long_recordings`, cached under ``build/long/``), then run

- through the pipeline (decode, recognition ‖ diarisation, align, redact, summarise, render and leak check:
  the documents are written to a temporary folder) in a fresh spawned process, and
- through the naive baseline (``WhisperModel.transcribe(audio, language=...)`` then pyannote's defaults,
  one after the other; see :mod:`benchmarks.bench_pipeline`) in another fresh process.

Each process reports its wall time, per-stage times, model-load time and its own peak resident memory
(``ru_maxrss``), so memory can be read against recording length. Lengths in ``--rss-minutes`` (default
120) run through the pipeline only, for memory (their WER and DER are printed too; there is no naive run
to compare with). Model loading and the first job's latency on a fresh process are measured on their own
(one 30 s AMI clip, twice, in one fresh process) and never enter a real-time factor.

``--short`` first runs the short evaluation set (``transcribe bench``: every clip, pipeline and naive, in
one child process) and puts its totals in the report. ``--report-only`` rewrites the report from the last
results (``build/long/results.json``) without running anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from rich.console import Console

from benchmarks.bench_pipeline import (
    _fmt,
    _read_rttm,
    item_result,
    measure_naive,
    measure_pipeline,
    run_in_child,
)
from benchmarks.long_recordings import build

ROOT = Path(__file__).resolve().parents[1]
TARGET_RTF = 10.0
TARGET_RSS_MB = 3 * 1024
LONG_MAX_SPEAKERS = 32  # speaker bound on the assembled recordings (25 voices); see run()
FIRST_JOB_CLIP = "ami_ES2003a_0000-0030"
PIPELINE_STAGES = ("decode", "asr", "diarise", "align", "redact", "summarise", "render")
SPAN_PAD_S = 0.3  # a text segment's span, widened by this each side, covers the reference speech under it

console = Console(width=160)


# -- running ------------------------------------------------------------------------------------------------------
def _short_set(eval_dir: str, model_root: str, options, naive: bool) -> dict:
    """The short evaluation set (`transcribe bench`), in a child process: its figures."""
    from benchmarks.bench_pipeline import run_benchmark

    return run_benchmark(Path(eval_dir), Path(model_root), options, naive=naive, console=Console(width=160))


def _missed_speech(rttm: Path, spans: list) -> tuple[float, float, list[tuple[float, float]]]:
    """Reference speech (the RTTM's, all speakers together) under no recognised text segment: seconds, the
    share of all reference speech, and the five longest stretches (start, end) in seconds."""
    from pyannote.core import Segment, Timeline

    speech = _read_rttm(rttm).get_timeline().support()
    text = Timeline([Segment(max(0.0, a - SPAN_PAD_S), b + SPAN_PAD_S) for a, b in spans]).support()
    missed = speech.extrude(text).support(collar=1.0) if len(text) else speech
    missed_s = speech.extrude(text).duration() if len(text) else speech.duration()
    longest = sorted(missed, key=lambda seg: seg.duration, reverse=True)[:5]
    return missed_s, missed_s / max(speech.duration(), 1e-9), [(round(g.start, 1), round(g.end, 1)) for g in longest]


def _scores(figures: dict, item: dict, long_dir: Path) -> dict:
    """The figures a report needs (no text or turns), with WER and DER against the item's references and
    the reference speech that got no words."""
    r = item_result(figures, item, long_dir)
    keep = {k: v for k, v in figures.items() if k not in ("hyp_text", "turns", "spans")}
    keep["missed_speech_s"], keep["missed_speech_share"], keep["missed_stretches"] = _missed_speech(
        long_dir / item["reference_rttm_path"], figures["spans"])
    keep.update({"wer": r.wer, "ref_words": r.ref_words, "substitutions": r.substitutions, "deletions": r.deletions,
                 "insertions": r.insertions, "der": r.der, "der_collar": r.der_collar,
                 "speakers_ref": r.speakers_ref, "speakers_hyp": r.speakers_hyp, "rtf": r.rtf})
    return keep


def _line(name: str, f: dict) -> str:
    return (f"{name}: {f['audio_s'] / 60:.1f} min in {f['wall_s']:.0f} s ({f['rtf']:.1f}x real time), "
            f"load {f['load_s']:.1f} s, peak RSS {f['peak_rss_mb']:.0f} MB, WER {_fmt(f['wer'])} "
            f"({_fmt(f['deletions'], '{}')} deletions of {_fmt(f['ref_words'], '{}')} words), DER {_fmt(f['der'])}; "
            f"{f['missed_speech_s']:.0f} s of reference speech got no words ({f['missed_speech_share']:.0%}), longest: "
            + ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in f["missed_stretches"][:3])
            + (f"; PUBLISH FAILED: {f['publish_error']}" if f.get("publish_error") else ""))


def run(args) -> dict:
    from transcribe.settings import Settings

    settings = Settings()
    options = settings.pipeline_options(asr_model=args.model)
    # The assembled recordings hold up to 25 voices (a supervision session two or three): above the pipeline's
    # speaker bound, DER would measure the bound. Raised for them, DER compares the clustering with the naive
    # run's, which has no bound.
    long_options = replace(options, diarise=replace(
        options.diarise, max_speakers=max(options.diarise.max_speakers, LONG_MAX_SPEAKERS)))
    model_root = str(settings.model_dir)
    lengths = list(dict.fromkeys([*args.minutes, *args.rss_minutes]))
    manifest = build(args.eval_dir, args.out_dir, sorted(lengths, key=float), seed=args.seed,
                     log=lambda m: console.print(m, highlight=False))
    items = {i["id"]: i for i in json.loads(manifest.read_text())["items"]}
    results: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                     "machine": machine(), "options": _options_summary(options) | {"long_max_speakers": LONG_MAX_SPEAKERS},
                     "seed": args.seed,
                     "eval_dir": str(args.eval_dir), "lengths": {}, "short": None, "first_job": None,
                     "load_average_start": _load_average()}

    if args.short:
        console.rule("short evaluation set")
        results["short"] = run_in_child(_short_set, str(args.eval_dir), model_root, options, args.naive)

    console.rule("model load and first-job latency")
    eval_items = json.loads((args.eval_dir / "manifest.json").read_text())["items"]
    clip = next((i for i in eval_items if i["id"] == FIRST_JOB_CLIP), eval_items[0])
    first = run_in_child(measure_pipeline, str((args.eval_dir / clip["path"]).resolve()), model_root, options, 1)
    results["first_job"] = {k: v for k, v in first.items() if k not in ("hyp_text", "turns")} | {"clip": clip["id"]}
    console.print(f"fresh process, {clip['id']} ({first['audio_s']:.0f} s): imports {first['since_start_at_entry_s']:.1f} s, "
                  f"load {first['load_s']:.1f} s, first job {first['walls_s'][0]:.1f} s, same clip again "
                  f"{first['walls_s'][1]:.1f} s; first result {first['first_job_done_since_start_s']:.1f} s after "
                  "the process started", highlight=False)

    for minutes in sorted(lengths, key=float):
        name = f"long_{minutes:g}min"
        item = items[name]
        wav = str((args.out_dir / item["path"]).resolve())
        console.rule(f"{name} ({item['duration_s'] / 60:.1f} min, {item['n_speakers']} speakers)")
        entry: dict = {"minutes": minutes, "audio_s": item["duration_s"], "n_speakers": item["n_speakers"],
                       "n_clips": item["n_clips"], "repeats": item["repeats"], "pool_clips": item["pool_clips"],
                       "pool_s": item["pool_s"], "rss_only": minutes not in args.minutes}
        t0 = time.perf_counter()
        entry["pipeline"] = _scores(run_in_child(measure_pipeline, wav, model_root, long_options), item, args.out_dir)
        console.print(_line("pipeline", entry["pipeline"]), highlight=False)
        if args.naive and not entry["rss_only"]:
            entry["naive"] = _scores(run_in_child(measure_naive, wav, model_root, options), item, args.out_dir)
            console.print(_line("naive   ", entry["naive"]), highlight=False)
        console.print(f"({time.perf_counter() - t0:.0f} s for this length)", highlight=False)
        results["lengths"][name] = entry
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["load_average_end"] = _load_average()
    return results


# -- the machine --------------------------------------------------------------------------------------------------
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine slows every figure here."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory_gb = psutil.virtual_memory().total / 2**30
    except ImportError:
        memory_gb = None
    gpu = None
    try:
        import torch

        if torch.cuda.is_available():
            gpu = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return {
        "platform": platform.platform(), "cpu": cpu, "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": memory_gb, "gpu": gpu, "python": platform.python_version(),
        "packages": {p: _version(p) for p in ("faster-whisper", "ctranslate2", "torch", "pyannote.audio")},
    }


def _options_summary(options) -> dict:
    a, d = options.asr, options.diarise
    return {"asr_model": a.model, "device": a.device, "compute_type": a.compute_type, "beam_size": a.beam_size,
            "asr_batch_size": a.batch_size, "vad": a.vad, "cpu_threads": a.cpu_threads,
            "segmentation_step": d.segmentation_step, "min_speakers": d.min_speakers, "max_speakers": d.max_speakers}


# -- the report ---------------------------------------------------------------------------------------------------
def _ratio(a, b) -> str:
    return "-" if not a or not b else f"{a / b:.2f}x"


def _rtf(audio_s: float, stage_s: float | None) -> str:
    if not stage_s:
        return "-"
    rtf = audio_s / stage_s
    return f"{rtf:,.0f}x" if rtf >= 100 else f"{rtf:.1f}x"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|",
            *("| " + " | ".join(r) + " |" for r in rows), ""]


def _wer_cell(f: dict | None) -> str:
    if not f or f.get("wer") is None:
        return "-"
    return f"{f['wer']:.3f} ({f['deletions']:,} del, {f['substitutions']:,} sub, {f['insertions']:,} ins)"


def _loads(loads) -> str:
    return "-" if not loads else " / ".join(f"{x:.2f}" for x in loads)


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "**no**")


def report(results: dict, plot_name: str | None) -> str:
    m, o = results["machine"], results["options"]
    lengths = sorted(results["lengths"].values(), key=lambda e: float(e["minutes"]))
    compared = [e for e in lengths if not e["rss_only"]]
    models = next((e["pipeline"]["models"] for e in lengths), results["first_job"]["models"])
    pool_min = max((e["pool_s"] for e in lengths), default=0) / 60
    voices = max((e["n_speakers"] for e in lengths), default=0)
    repeats = ", ".join(f"{e['repeats']:g}x at {e['minutes']:g} min" for e in lengths)
    out = [
        "# Performance",
        "",
        f"Written by `make bench` (`benchmarks/bench_long.py`) on {results['finished'][:10]}; do not edit by hand. "
        "Long recordings are assembled from the real speech of the evaluation set "
        f"(`{results['eval_dir']}`) by `benchmarks/long_recordings.py` (seed {results['seed']}): its clips in a "
        f"shuffled order with 0.4-1.5 s pauses, the {pool_min:.1f}-minute pool repeated as often as needed "
        f"({repeats}), so **the recogniser hears the same clips again** (WER here measures whether long input "
        f"loses words, not accuracy on new speech) and **up to {voices} real voices return throughout** (far "
        f"more than a supervision session, so the pipeline's {o['max_speakers']}-speaker bound is raised to "
        f"{o.get('long_max_speakers', o['max_speakers'])} for them; compare DER with the naive run's on the "
        "same recording, not with the short set's). Every recording runs in its own fresh process; model loading is never inside "
        "a real-time factor.",
        *(["", *(f"- {note}" for note in results["notes"])] if results.get("notes") else []),
        "",
        "## Machine and models",
        "",
        *_table(["", ""], [
            ["platform", m["platform"]],
            ["CPU", f"{m['cpu']}, {m['cpu_count']} logical CPUs ({m['cpus_usable']} usable)"],
            ["memory", _fmt(m["memory_gb"], "{:.1f} GiB")],
            ["load average (1/5/15 min) at start, at end",
             f"{_loads(results.get('load_average_start'))}; {_loads(results.get('load_average_end'))} (anything "
             f"well above 0 at the start means other work shared the {m['cpus_usable']} CPUs)"],
            ["GPU", m["gpu"] or "none used"],
            ["Python, packages", f"{m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["packages"].items())],
            ["speech recognition", f"{models.get('asr', o['asr_model'])}, beam {o['beam_size']}, batch "
                                   f"{o['asr_batch_size']}, VAD {'on' if o['vad'] else 'off'}"],
            ["diarisation", f"{models.get('diarisation', '-')}, hop {o['segmentation_step']} of the 10 s window, "
                            f"{o['min_speakers']}-{o['max_speakers']} speakers (at most {o.get('long_max_speakers', o['max_speakers'])} "
                            "on the long recordings)"],
            ["naive baseline", "same Whisper model, `WhisperModel.transcribe(audio, language=...)` with its "
                               "defaults, then pyannote `SpeakerDiarization` with the same models at its defaults "
                               "(1 s hop, batch 1), one after the other; wall time includes decoding"],
        ]),
    ]

    # targets (lengths run without the naive baseline show speed only)
    rows = []
    for e in lengths:
        p, n = e["pipeline"], e.get("naive")
        rows.append([f"{e['minutes']:g} min", f"{p['rtf']:.1f}x", _verdict(p["rtf"] >= TARGET_RTF),
                     f"{_fmt(p['wer'])} ({_fmt(p['deletions'], '{:,}')} del) vs {_fmt(n and n['wer'])}"
                     + (f" ({_fmt(n['deletions'], '{:,}')} del)" if n else ""),
                     _verdict(None if not n or p["wer"] is None
                              else p["wer"] <= n["wer"] and p["deletions"] <= n["deletions"]),
                     f"{_fmt(p['der'])} vs {_fmt(n and n['der'])}",
                     _verdict(None if not n or p["der"] is None else p["der"] <= n["der"])])
    out += ["## Targets (issue 15)", "",
            *_table(["recording", "whole pipeline RTF", f">= {TARGET_RTF:g}x", "WER (deletions) ours vs naive", "neither worse",
                     "DER ours vs naive", "no worse"], rows)]
    rss_rows = [(float(e["minutes"]), e["pipeline"]) for e in lengths]
    if rss_rows:
        longest_min, longest = rss_rows[-1]
        shortest_min, shortest = rss_rows[0]
        growth = [(mins, f["peak_rss_mb"] - (f.get("rss_after_load_mb") or f["peak_rss_after_load_mb"]))
                  for mins, f in rss_rows]
        sublinear = None
        if len(rss_rows) > 1 and shortest["peak_rss_mb"]:
            sublinear = longest["peak_rss_mb"] / shortest["peak_rss_mb"] < longest_min / shortest_min
        out += [f"Peak RSS on the longest recording ({longest_min:g} min): {longest['peak_rss_mb']:,.0f} MB "
                f"(target <= {TARGET_RSS_MB:,} MB on 120 min: "
                f"{_verdict(longest['peak_rss_mb'] <= TARGET_RSS_MB) if longest_min >= 120 else 'not run at 120 min'}). "
                f"From {shortest_min:g} to {longest_min:g} min ({longest_min / shortest_min:.1f}x the audio) peak RSS "
                f"grows {longest['peak_rss_mb'] / max(shortest['peak_rss_mb'], 1):.2f}x "
                f"(sub-linear: {_verdict(sublinear)}); above the level right after model loading it grows "
                + ", ".join(f"{g:,.0f} MB at {mins:g} min" for mins, g in growth) + ".", ""]

    # speed
    rows = []
    for e in compared:
        p, n = e["pipeline"], e.get("naive")
        rows.append([f"{e['minutes']:g} min", f"{e['audio_s']:.0f}", f"{p['wall_s']:.0f}", f"{p['rtf']:.1f}x",
                     _fmt(n and n["wall_s"], "{:.0f}"), _fmt(n and n["rtf"], "{:.1f}x"), _ratio(p["rtf"], n and n["rtf"])])
    out += ["## Speed", "", "Real-time factor (RTF) = audio seconds / wall seconds; higher is faster.", "",
            *_table(["recording", "audio s", "ours wall s", "ours RTF", "naive wall s", "naive RTF",
                     "ours / naive"], rows)]
    rows = []
    for e in lengths:
        p = e["pipeline"]
        st = p["stages_s"]
        rows.append([f"{e['minutes']:g} min"] +
                    [_rtf(e["audio_s"], st.get(s)) for s in PIPELINE_STAGES] +
                    [f"{p['rtf']:.1f}x"])
    out += ["Per-stage real-time factors of the pipeline (each stage's own wall time; recognition and "
            "diarisation run side by side, so their times overlap and the whole is faster than the stages "
            "one after the other):", "",
            *_table(["recording", *PIPELINE_STAGES, "whole"], rows)]
    rows = []
    for e in compared:
        n = e.get("naive")
        if n:
            st = n["stages_s"]
            rows.append([f"{e['minutes']:g} min"] +
                        [_rtf(e["audio_s"], st.get(s)) for s in ("decode", "asr", "diarise")]
                        + [f"{n['rtf']:.1f}x"])
    if rows:
        out += ["Naive baseline, stage by stage:", "", *_table(["recording", "decode", "asr", "diarise", "whole"], rows)]

    # accuracy
    rows = []
    for e in lengths:
        p, n = e["pipeline"], e.get("naive")
        rows.append([f"{e['minutes']:g} min", _fmt(p["ref_words"], "{:,}"), _wer_cell(p), _wer_cell(n),
                     f"{p['missed_speech_s']:.0f} s ({p['missed_speech_share']:.0%})",
                     "-" if not n else f"{n['missed_speech_s']:.0f} s ({n['missed_speech_share']:.0%})",
                     f"{_fmt(p['der'])} / {_fmt(p['der_collar'])}",
                     f"{_fmt(n and n['der'])} / {_fmt(n and n['der_collar'])}",
                     f"{p['speakers_ref']} / {p['speakers_hyp']} / {_fmt(n and n['speakers_hyp'], '{}')}"])
    out += ["## Accuracy", "",
            "WER on Whisper-normalised text (all errors / reference words), with the substitutions, deletions "
            "and insertions behind it; DER without collar / with a 0.25 s collar. *Speech with no words*: "
            f"reference (RTTM) speech under no recognised text segment (segments widened by {SPAN_PAD_S:g} s), "
            "where deletions come from whole stretches going missing rather than single words.", "",
            *_table(["recording", "ref words", "WER ours", "WER naive", "speech with no words, ours",
                     "naive", "DER ours", "DER naive", "speakers ref / ours / naive"], rows)]
    stretches = [(e, e["pipeline"]["missed_stretches"]) for e in lengths if e["pipeline"]["missed_stretches"]]
    if stretches:
        out += ["Longest stretches of reference speech with no words from the pipeline (seconds into the "
                "recording; listen to them in `build/long/`):", "",
                *(f"- `long_{e['minutes']:g}min.wav`: " + ", ".join(f"{a:.1f}-{b:.1f}" for a, b in g)
                  for e, g in stretches), ""]

    # memory and latency
    rows = []
    for e in lengths:
        p, n = e["pipeline"], e.get("naive")
        rows.append([f"{e['minutes']:g} min", f"{p['peak_rss_mb']:,.0f}", _fmt(p.get("rss_after_load_mb"), "{:,.0f}"),
                     f"{p['load_s']:.1f}",
                     _fmt(n and n["peak_rss_mb"], "{:,.0f}"), _fmt(n and n["load_s"], "{:.1f}")])
    out += ["## Memory and model loading", "",
            "Peak resident memory (`ru_maxrss`) of the process that ran that one recording, and its resident "
            "memory right after loading the models (the ffmpeg decoder is a separate process, not counted; it "
            "streams).", "",
            *_table(["recording", "ours peak RSS MB", "ours after load MB", "ours load s",
                     "naive peak RSS MB", "naive load s"], rows)]
    f = results.get("first_job")
    if f:
        out += [f"First-job latency (a fresh process given one job: `{f['clip']}`, {f['audio_s']:.0f} s): "
                f"{f['first_job_done_since_start_s']:.1f} s from process start to the finished transcript = "
                f"{f['since_start_at_entry_s']:.1f} s start-up and imports + {f['load_s']:.1f} s model load + "
                f"{f['walls_s'][0]:.1f} s for the job itself; the same clip again in the same process took "
                f"{f['walls_s'][1]:.1f} s, so " + (
                    f"the first job pays {f['walls_s'][0] - f['walls_s'][1]:.1f} s of warm-up"
                    if f["walls_s"][0] - f["walls_s"][1] >= 0.5 else "the first job pays no measurable warm-up")
                + ". A worker loads its models once and keeps them.", ""]
    if plot_name:
        out += [f"![wall time and peak RSS against recording length]({plot_name})", ""]

    # the short set
    s = results.get("short")
    if s:
        rows = []
        for key, v in s.items():
            if v.get("items"):
                rows.append([key, str(v["items"]), f"{v['audio_s']:.0f}", f"{v['rtf']:.1f}x",
                             _fmt(v.get("pooled_wer")), f"{v.get('deletions', 0):,} / {v.get('ref_words', 0):,}",
                             _fmt(v.get("mean_wer")), _fmt(v.get("mean_der")), f"{v['peak_rss_mb']:,.0f}"])
        out += ["## Short evaluation set", "",
                "Every clip of the evaluation set in one process (`transcribe bench`): pipeline, then the naive "
                "baseline; peak RSS is that process's, after both.", "",
                *_table(["run/subset", "items", "audio s", "RTF", "pooled WER", "deletions / ref words",
                         "mean WER", "mean DER", "peak RSS MB"], rows)]
    errors = [f"{e['minutes']:g} min: {e['pipeline']['publish_error']}" for e in lengths
              if e["pipeline"].get("publish_error")]
    if errors:
        out += ["## Publishing failures", "", "The documents were not written (timings still count the attempt):",
                "", *(f"- {x}" for x in errors), ""]
    out += ["Regenerate: `make bench` (short set, then 10/30/60 minutes with the naive run and 120 minutes "
            "pipeline-only), or `make bench-long MINUTES=\"10 30 60\" RSS_MINUTES=120`.", ""]
    return "\n".join(out)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lengths = sorted(results["lengths"].values(), key=lambda e: float(e["minutes"]))
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(11, 4.2))
    for kind, style in (("pipeline", "o-"), ("naive", "s--")):
        pts = [(e["audio_s"] / 60, e[kind]) for e in lengths if e.get(kind)]
        if not pts:
            continue
        label = "ours" if kind == "pipeline" else "naive"
        ax_t.plot([x for x, _ in pts], [f["wall_s"] / 60 for _, f in pts], style, label=label)
        ax_m.plot([x for x, _ in pts], [f["peak_rss_mb"] / 1024 for _, f in pts], style, label=label)
    xs = [0] + [e["audio_s"] / 60 for e in lengths]
    ax_t.plot(xs, [x / TARGET_RTF for x in xs], ":", color="grey", label=f"{TARGET_RTF:g}x real time")
    ax_t.set(xlabel="recording length (min)", ylabel="wall time (min)", title="Wall time (model load excluded)")
    ax_m.axhline(TARGET_RSS_MB / 1024, linestyle=":", color="grey", label="3 GiB target")
    ax_m.set(xlabel="recording length (min)", ylabel="peak RSS (GiB)", title="Peak resident memory per process")
    ax_m.set_ylim(bottom=0)
    ax_t.set_ylim(bottom=0)
    for ax in (ax_t, ax_m):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"{results['machine']['cpu']} ({results['machine']['cpus_usable']} CPUs), "
                 f"{results['options']['asr_model']}", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(results: dict, doc: Path, plot_path: Path | None) -> None:
    if plot_path:
        plot(results, plot_path)
    doc.parent.mkdir(parents=True, exist_ok=True)
    name = None if not plot_path else os.path.relpath(plot_path, doc.parent)
    doc.write_text(report(results, name))
    console.print(f"report: {doc}" + (f", plot: {plot_path}" if plot_path else ""), highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--out-dir", type=Path, default=ROOT / "build" / "long")
    parser.add_argument("--minutes", type=float, nargs="*", default=[10, 30, 60],
                        help="lengths run through the pipeline and the naive baseline")
    parser.add_argument("--rss-minutes", type=float, nargs="*", default=[120],
                        help="lengths run through the pipeline only (memory)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default=None, help="speech recogniser (default: TRANSCRIBE_ASR_MODEL)")
    parser.add_argument("--no-naive", dest="naive", action="store_false", help="skip the naive baseline")
    parser.add_argument("--short", action="store_true", help="first run the short evaluation set")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "performance.png")
    parser.add_argument("--results", type=Path, default=None, help="[default: OUT_DIR/results.json]")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from --results")
    args = parser.parse_args(argv)
    results_path = args.results or args.out_dir / "results.json"
    if args.report_only:
        write_report(json.loads(results_path.read_text()), args.doc, args.plot)
        return 0
    if not (args.eval_dir / "manifest.json").is_file():
        console.print(f"no evaluation set at {args.eval_dir} (manifest.json missing): benchmark skipped",
                      highlight=False)
        return 0
    if not args.minutes and not args.rss_minutes:
        parser.error("no lengths: give --minutes and/or --rss-minutes")
    results = run(args)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=1))
    write_report(results, args.doc, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
