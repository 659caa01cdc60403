"""`make bench` (`transcribe bench`): speed, WER and DER of the pipeline on an evaluation set, beside a naive
baseline.

The baseline is what a first attempt would do with the same models: plain ``WhisperModel.transcribe``
(default settings) then pyannote's ``SpeakerDiarization`` with its default 1 s hop, one after the other.
Model loading is timed separately and excluded from real-time factors. Not a test: figures are printed.

WER is on Whisper-normalised text, with its substitutions, deletions and insertions counted
(``jiwer.process_words``), so a low WER made of missing words shows as deletions. Long recordings
(``benchmarks/bench_long.py``) run one per child process (:func:`run_in_child`), so each reports its own peak
resident memory, model-load time and wall time.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from rich.console import Console
from rich.table import Table

from transcribe import runtime  # noqa: F401  (before torch)
from transcribe.audio import decode_audio
from transcribe.options import DiariseOptions, PipelineOptions
from transcribe.records import SpeakerTurn


@dataclass
class ItemResult:
    id: str
    audio_s: float
    stages_s: dict[str, float]
    wall_s: float
    hyp_text: str
    turns: list[SpeakerTurn]
    wer: float | None = None
    ref_words: int | None = None
    substitutions: int | None = None
    deletions: int | None = None
    insertions: int | None = None
    der: float | None = None
    der_collar: float | None = None
    speakers_ref: int | None = None
    speakers_hyp: int | None = None

    @property
    def rtf(self) -> float:
        return self.audio_s / max(self.wall_s, 1e-9)


@dataclass
class RunResult:
    name: str
    load_s: float
    items: list[ItemResult] = field(default_factory=list)
    peak_rss_mb: float = 0.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _normalise_pair(reference: str, hypothesis: str) -> tuple[str, str]:
    from whisper_normalizer.english import EnglishTextNormalizer

    normalise = EnglishTextNormalizer()
    return normalise(reference), normalise(hypothesis)


def _wer(reference: str, hypothesis: str) -> float | None:
    counts = _wer_counts(reference, hypothesis)
    return None if counts is None else counts["wer"]


def _wer_counts(reference: str, hypothesis: str) -> dict | None:
    """WER with its parts, on the same normalised text as :func:`_wer`: ``wer``, ``ref_words``,
    ``substitutions``, ``deletions``, ``insertions`` (None when the reference is empty)."""
    import jiwer

    ref, hyp = _normalise_pair(reference, hypothesis)
    if not ref.strip():
        return None
    if not hyp.strip():  # jiwer refuses an empty hypothesis: every reference word is deleted
        n = len(ref.split())
        return {"wer": 1.0, "ref_words": n, "substitutions": 0, "deletions": n, "insertions": 0}
    out = jiwer.process_words(ref, hyp)
    return {"wer": out.wer, "ref_words": out.hits + out.substitutions + out.deletions,
            "substitutions": out.substitutions, "deletions": out.deletions, "insertions": out.insertions}


def _read_rttm(path: Path):
    from pyannote.core import Annotation, Segment

    ref = Annotation()
    for line in path.read_text().splitlines():
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER":
            ref[Segment(float(f[3]), float(f[3]) + float(f[4]))] = f[7]
    return ref


def _ders(reference, turns: list[SpeakerTurn]) -> tuple[float, float]:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    hyp = Annotation()
    for t in turns:
        hyp[Segment(t.start, t.end)] = t.speaker
    with warnings.catch_warnings():  # scored over the union of both extents, as intended
        warnings.filterwarnings("ignore", message=".*'uem' was approximated")
        return DiarizationErrorRate(collar=0.0)(reference, hyp), DiarizationErrorRate(collar=0.25)(reference, hyp)


def _score(item: dict, eval_dir: Path, result: ItemResult) -> None:
    if item.get("reference_transcript_path") and not item.get("low_speech"):
        counts = _wer_counts((eval_dir / item["reference_transcript_path"]).read_text(), result.hyp_text)
        if counts:
            result.wer = counts["wer"]
            result.ref_words, result.substitutions = counts["ref_words"], counts["substitutions"]
            result.deletions, result.insertions = counts["deletions"], counts["insertions"]
    if item.get("reference_rttm_path"):
        reference = _read_rttm(eval_dir / item["reference_rttm_path"])
        result.der, result.der_collar = _ders(reference, result.turns)
        result.speakers_ref = len(reference.labels())
        result.speakers_hyp = len({t.speaker for t in result.turns})


def _run_pipeline(items, eval_dir: Path, model_root: Path, options: PipelineOptions) -> RunResult:
    from transcribe.pipeline import Pipeline

    with Pipeline(model_root, options) as pipeline:
        run = RunResult("pipeline", load_s=pipeline.load())
        for item in items:
            path = eval_dir / item["path"]
            t0 = time.perf_counter()
            transcript = pipeline.transcribe(path)
            wall = time.perf_counter() - t0
            result = ItemResult(item["id"], transcript.source.duration_s, dict(transcript.timings_s), wall,
                                " ".join(s.text for s in transcript.segments), transcript.speaker_turns)
            _score(item, eval_dir, result)
            run.items.append(result)
    run.peak_rss_mb = _peak_rss_mb()
    return run


def _load_naive(model_root: Path, options: PipelineOptions):
    """The naive baseline's models: plain ``WhisperModel`` (same model, device and compute type as the
    pipeline) and pyannote's ``SpeakerDiarization`` with its defaults (1 s hop, one chunk at a time)."""
    from faster_whisper import WhisperModel

    from transcribe.asr import resolve_compute_type, resolve_ct2_device
    from transcribe.diarise import Diariser
    from transcribe.models import resolve_model_dir

    device = resolve_ct2_device(options.asr.device)
    compute_type = resolve_compute_type(device, options.asr.compute_type)
    whisper = WhisperModel(str(resolve_model_dir(model_root, options.asr.model, "asr")), device=device,
                           compute_type=compute_type, local_files_only=True)
    diariser = Diariser(model_root, DiariseOptions(segmentation_step=0.1, device=options.diarise.device))
    # pyannote's own defaults: one chunk at a time, both networks in PyTorch.
    diariser.pipeline.embedding_batch_size = 1
    diariser.pipeline.segmentation_batch_size = 1
    diariser.pipeline._embedding.model_.session = None
    diariser.pipeline._segmentation.model.onnx_session = None
    return whisper, diariser


def _naive_item(whisper, diariser, path: Path, language: str) -> tuple[float, dict, float, str, list[SpeakerTurn],
                                                                        list[tuple[float, float]]]:
    """Decode, then ``whisper.transcribe(audio, language=...)``, then pyannote, one after the other.
    Returns (audio seconds, stage seconds, wall seconds, text, turns, text segments' spans); wall includes
    decoding."""
    import torch

    t0 = time.perf_counter()
    audio = decode_audio(Path(path).resolve())
    t_decode = time.perf_counter() - t0
    segments = list(whisper.transcribe(audio.samples, language=language)[0])
    text = " ".join(s.text.strip() for s in segments)
    spans = [(float(s.start), float(s.end)) for s in segments if s.text.strip()]
    t_asr = time.perf_counter() - t0 - t_decode
    waveform = torch.from_numpy(audio.samples).unsqueeze(0)
    output = diariser.pipeline({"waveform": waveform, "sample_rate": audio.sample_rate})
    turns = [SpeakerTurn(float(s.start), float(s.end), str(label))
             for s, _, label in output.speaker_diarization.itertracks(yield_label=True)]
    wall = time.perf_counter() - t0
    stages = {"decode": t_decode, "asr": t_asr, "diarise": wall - t_decode - t_asr}
    return audio.duration_s, stages, wall, text, turns, spans


def _run_naive(items, eval_dir: Path, model_root: Path, options: PipelineOptions) -> RunResult:
    """Same models, default settings, one stage after the other."""
    t0 = time.perf_counter()
    whisper, diariser = _load_naive(model_root, options)
    run = RunResult("naive", load_s=time.perf_counter() - t0)
    for item in items:
        audio_s, stages, wall, text, turns, _ = _naive_item(whisper, diariser, eval_dir / item["path"],
                                                            options.asr.language)
        result = ItemResult(item["id"], audio_s, stages, wall, text, turns)
        _score(item, eval_dir, result)
        run.items.append(result)
    run.peak_rss_mb = _peak_rss_mb()
    return run


# -- one recording in its own process (long recordings) -----------------------------------------------------------
def _rss_now_mb() -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    return psutil.Process().memory_info().rss / 2**20


def _since_process_start_s() -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    return time.time() - psutil.Process().create_time()


def measure_pipeline(path: str, model_root: str, options: PipelineOptions, warm_repeats: int = 0) -> dict:
    """In a fresh process: load the pipeline, then recognise, prepare and render (documents written to a
    temporary folder, leak check included) one recording. Returns timings, the transcript's text and
    turns, and this process's memory. ``warm_repeats`` runs the same recording again that many times
    after the first (the first job pays any one-off warm-up; later ones do not)."""
    from transcribe.errors import TranscribeError
    from transcribe.pipeline import Pipeline
    from transcribe.publish import write_outputs

    entered = _since_process_start_s()
    rss_start = _rss_now_mb()
    figures: dict = {"kind": "pipeline", "path": path, "since_start_at_entry_s": entered}
    with Pipeline(Path(model_root), options) as pipeline:
        figures["load_s"] = pipeline.load()
        figures["rss_after_load_mb"] = _rss_now_mb()
        figures["peak_rss_after_load_mb"] = _peak_rss_mb()
        walls = []
        for n in range(1 + warm_repeats):
            t0 = time.perf_counter()
            transcript = pipeline.prepare(pipeline.recognise(path))
            render0 = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                try:
                    write_outputs(transcript, Path(tmp) / "out")
                    figures["publish_error"] = None
                except TranscribeError as e:  # a leak-check failure still leaves a transcript to score
                    figures["publish_error"] = f"{type(e).__name__}: {e}"
                    transcript.timings_s["render"] = round(time.perf_counter() - render0, 3)
            walls.append(time.perf_counter() - t0)
            if n == 0:
                figures["first_job_done_since_start_s"] = _since_process_start_s()
        figures.update({
            "audio_s": transcript.source.duration_s, "wall_s": walls[0], "walls_s": walls,
            "stages_s": dict(transcript.timings_s),
            "hyp_text": " ".join(s.text for s in transcript.segments),
            "turns": [(t.start, t.end, t.speaker) for t in transcript.speaker_turns],
            "spans": [(seg.start, seg.end) for seg in transcript.segments if seg.text.strip()],
            "models": dict(transcript.models),
        })
    # ffmpeg (decoding) is a child process and not counted; it streams, so holds little. (RUSAGE_CHILDREN
    # cannot tell: a child started by vfork/exec is charged this process's RSS at the time it started.)
    figures["peak_rss_mb"] = _peak_rss_mb()
    figures["rss_at_start_mb"] = rss_start
    return figures


def measure_naive(path: str, model_root: str, options: PipelineOptions) -> dict:
    """In a fresh process: the naive baseline on one recording (see :func:`_naive_item`)."""
    figures: dict = {"kind": "naive", "path": path, "since_start_at_entry_s": _since_process_start_s()}
    t0 = time.perf_counter()
    whisper, diariser = _load_naive(Path(model_root), options)
    figures["load_s"] = time.perf_counter() - t0
    figures["rss_after_load_mb"] = _rss_now_mb()
    figures["peak_rss_after_load_mb"] = _peak_rss_mb()
    audio_s, stages, wall, text, turns, spans = _naive_item(whisper, diariser, Path(path), options.asr.language)
    figures["first_job_done_since_start_s"] = _since_process_start_s()
    figures.update({"audio_s": audio_s, "wall_s": wall, "walls_s": [wall], "stages_s": stages, "hyp_text": text,
                    "turns": [(t.start, t.end, t.speaker) for t in turns], "spans": spans, "publish_error": None,
                    "models": {"asr": f"faster-whisper {options.asr.model} (WhisperModel.transcribe defaults)",
                               "diarisation": "pyannote SpeakerDiarization, 1 s hop, batch 1"}})
    figures["peak_rss_mb"] = _peak_rss_mb()
    return figures


def _child_main(conn, fn, args: tuple) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as e:  # report anything, then exit non-zero
        import traceback

        conn.send(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))
        raise SystemExit(1) from e
    finally:
        conn.close()


def run_in_child(fn, *args, timeout_s: float | None = None) -> dict:
    """Run ``fn(*args)`` (a module-level function returning a picklable dict) in a fresh *spawned* process,
    so its ``ru_maxrss`` is its own (a forked child would inherit the parent's high-water mark), and return
    its result. Raises RuntimeError with the child's traceback when it fails or dies."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(send, fn, args), name=f"bench-{fn.__name__}")
    child.start()
    send.close()
    try:
        if not receive.poll(timeout_s):
            raise RuntimeError(f"{fn.__name__} gave no result within {timeout_s} s")
        status, payload = receive.recv()
    except EOFError:
        status, payload = "error", "the child process died without a result"
    finally:
        child.join(timeout=60)
        if child.is_alive():
            child.kill()
            child.join()
    if status != "ok":
        raise RuntimeError(f"{fn.__name__}({os.path.basename(str(args[0]))}) failed (exit {child.exitcode}): "
                           f"{payload}")
    return payload


def item_result(figures: dict, item: dict, eval_dir: Path) -> ItemResult:
    """Score what :func:`measure_pipeline` or :func:`measure_naive` returned against ``item``'s references."""
    result = ItemResult(item["id"], figures["audio_s"], figures["stages_s"], figures["wall_s"], figures["hyp_text"],
                        [SpeakerTurn(s, e, spk) for s, e, spk in figures["turns"]])
    _score(item, eval_dir, result)
    return result


def _fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "-" if value is None else pattern.format(value)


def _sdi(r: ItemResult) -> str:
    return "-" if r.ref_words is None else f"{r.substitutions}/{r.deletions}/{r.insertions}"


def _item_table(run: RunResult) -> Table:
    table = Table(title=f"{run.name}: per item (model load {run.load_s:.1f} s, excluded)")
    for col in ("item", "audio s", "asr s", "diarise s", "wall s", "RTF (x real time)", "WER", "ref words",
                "sub/del/ins", "DER", "DER c0.25", "spk ref/hyp"):
        table.add_column(col, justify="left" if col == "item" else "right")
    for r in run.items:
        spk = "-" if r.speakers_ref is None else f"{r.speakers_ref}/{r.speakers_hyp}"
        table.add_row(r.id, f"{r.audio_s:.1f}", f"{r.stages_s.get('asr', 0):.2f}", f"{r.stages_s.get('diarise', 0):.2f}",
                      f"{r.wall_s:.2f}", f"{r.rtf:.1f}", _fmt(r.wer), _fmt(r.ref_words, "{}"), _sdi(r), _fmt(r.der),
                      _fmt(r.der_collar), spk)
    return table


def _summary(run: RunResult, subset=lambda r: True) -> dict:
    items = [r for r in run.items if subset(r)]
    audio = sum(r.audio_s for r in items)
    wall = sum(r.wall_s for r in items)
    wers = [r.wer for r in items if r.wer is not None]
    ders = [r.der for r in items if r.der is not None]
    scored = [r for r in items if r.ref_words is not None]
    ref_words = sum(r.ref_words for r in scored)
    errors = {k: sum(getattr(r, k) for r in scored) for k in ("substitutions", "deletions", "insertions")}
    return {
        "items": len(items), "audio_s": audio, "wall_s": wall, "rtf": audio / max(wall, 1e-9),
        "median_rtf": median([r.rtf for r in items]) if items else 0.0,
        "mean_wer": sum(wers) / len(wers) if wers else None,
        # all errors over all reference words (long items weigh more than in the mean)
        "pooled_wer": sum(errors.values()) / ref_words if ref_words else None,
        "ref_words": ref_words, **errors,
        "mean_der": sum(ders) / len(ders) if ders else None,
        "peak_rss_mb": run.peak_rss_mb, "load_s": run.load_s,
    }


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def run_benchmark(eval_dir: Path, model_root: Path, options: PipelineOptions, naive: bool = True,
                  console: Console | None = None, json_out: Path | None = None) -> dict:
    """Run the benchmark over every item of ``eval_dir/manifest.json`` and print tables; return the figures."""
    console = console or Console()
    items = json.loads((eval_dir / "manifest.json").read_text())["items"]
    runs = [_run_pipeline(items, eval_dir, model_root, options)]
    console.print(_item_table(runs[0]))
    if naive:
        runs.append(_run_naive(items, eval_dir, model_root, options))
        console.print(_item_table(runs[1]))

    def is_ami(r):
        return r.id.startswith("ami_")

    def is_two_speaker(r):
        return r.speakers_ref == 2

    totals = Table(title="totals (RTF = audio seconds / wall seconds, model load excluded; WER pooled = all "
                         "errors / all reference words)")
    for col in ("run", "subset", "items", "audio s", "wall s", "RTF", "median RTF", "mean WER", "pooled WER",
                "deletions / ref words", "sub", "ins", "mean DER", "peak RSS MB"):
        totals.add_column(col, justify="left" if col in ("run", "subset") else "right")
    figures: dict = {}
    for run in runs:
        for subset_name, subset in (("all", lambda r: True), ("AMI", is_ami)):
            s = _summary(run, subset)
            figures[f"{run.name}/{subset_name}"] = s
            if not s["items"]:
                continue
            totals.add_row(run.name, subset_name, str(s["items"]), f"{s['audio_s']:.1f}", f"{s['wall_s']:.1f}",
                           f"{s['rtf']:.1f}", f"{s['median_rtf']:.1f}", _fmt(s["mean_wer"]), _fmt(s["pooled_wer"]),
                           f"{s['deletions']:,} / {s['ref_words']:,}", f"{s['substitutions']:,}",
                           f"{s['insertions']:,}", _fmt(s["mean_der"]), f"{s['peak_rss_mb']:.0f}")
    console.print(totals)
    ours = runs[0]
    sample = next((r for r in ours.items if r.id == "pyannote_sample"), None)
    if sample and sample.der is not None:
        console.print(f"pyannote sample.wav DER (no collar): {sample.der:.3f}")
    right = [r for r in ours.items if is_two_speaker(r)]
    if right:
        console.print("speaker count on 2-speaker clips: " +
                      ", ".join(f"{r.id}={r.speakers_hyp}" for r in right))
    if naive:
        a, b = figures["pipeline/all"], figures["naive/all"]
        ami_a, ami_b = figures["pipeline/AMI"], figures["naive/AMI"]
        ami = f", {_ratio(ami_a['rtf'], ami_b['rtf'])} on AMI" if ami_a["items"] else ""
        console.print(f"speed ratio pipeline/naive: {_ratio(a['rtf'], b['rtf'])} overall{ami}; "
                      f"WER {_fmt(a['pooled_wer'])} with {a['deletions']:,} deletions of {a['ref_words']:,} words "
                      f"vs {_fmt(b['pooled_wer'])} with {b['deletions']:,}; "
                      f"mean WER {_fmt(a['mean_wer'])} vs {_fmt(b['mean_wer'])}; "
                      f"DER {_fmt(a['mean_der'])} vs {_fmt(b['mean_der'])}")
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2))
    return figures
