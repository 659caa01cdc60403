"""`make bench` (`transcribe bench`): speed, WER and DER of the pipeline on an evaluation set, beside a naive
baseline.

The baseline is what a first attempt would do with the same models: plain ``WhisperModel.transcribe``
(default settings) then pyannote's ``SpeakerDiarization`` with its default 1 s hop, one after the other.
Model loading is timed separately and excluded from real-time factors. Not a test: figures are printed.
"""

from __future__ import annotations

import json
import resource
import time
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


def _wer(reference: str, hypothesis: str) -> float | None:
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    normalise = EnglishTextNormalizer()
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref.strip():
        return None
    return jiwer.wer(ref, hyp or "<empty>")


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
    return DiarizationErrorRate(collar=0.0)(reference, hyp), DiarizationErrorRate(collar=0.25)(reference, hyp)


def _score(item: dict, eval_dir: Path, result: ItemResult) -> None:
    if item.get("reference_transcript_path") and not item.get("low_speech"):
        result.wer = _wer((eval_dir / item["reference_transcript_path"]).read_text(), result.hyp_text)
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


def _run_naive(items, eval_dir: Path, model_root: Path, options: PipelineOptions) -> RunResult:
    """Same models, default settings, one stage after the other."""
    import torch
    from faster_whisper import WhisperModel

    from transcribe.diarise import Diariser
    from transcribe.models import resolve_model_dir

    t0 = time.perf_counter()
    whisper = WhisperModel(str(resolve_model_dir(model_root, options.asr.model, "asr")), device="cpu",
                           compute_type="int8", local_files_only=True)
    diariser = Diariser(model_root, DiariseOptions(segmentation_step=0.1))
    # pyannote's own defaults: one chunk at a time.
    diariser.pipeline.embedding_batch_size = 1
    diariser.pipeline.segmentation_batch_size = 1
    run = RunResult("naive", load_s=time.perf_counter() - t0)
    for item in items:
        audio = decode_audio(eval_dir / item["path"])
        t0 = time.perf_counter()
        segments, _ = whisper.transcribe(audio.samples, language=options.asr.language)
        text = " ".join(s.text.strip() for s in segments)
        t_asr = time.perf_counter() - t0
        waveform = torch.from_numpy(audio.samples).unsqueeze(0)
        output = diariser.pipeline({"waveform": waveform, "sample_rate": audio.sample_rate})
        turns = [SpeakerTurn(float(s.start), float(s.end), str(label))
                 for s, _, label in output.speaker_diarization.itertracks(yield_label=True)]
        wall = time.perf_counter() - t0
        result = ItemResult(item["id"], audio.duration_s, {"asr": t_asr, "diarise": wall - t_asr}, wall, text, turns)
        _score(item, eval_dir, result)
        run.items.append(result)
    run.peak_rss_mb = _peak_rss_mb()
    return run


def _fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "-" if value is None else pattern.format(value)


def _item_table(run: RunResult) -> Table:
    table = Table(title=f"{run.name}: per item (model load {run.load_s:.1f} s, excluded)")
    for col in ("item", "audio s", "asr s", "diarise s", "wall s", "RTF (x real time)", "WER", "DER", "DER c0.25",
                "spk ref/hyp"):
        table.add_column(col, justify="left" if col == "item" else "right")
    for r in run.items:
        spk = "-" if r.speakers_ref is None else f"{r.speakers_ref}/{r.speakers_hyp}"
        table.add_row(r.id, f"{r.audio_s:.1f}", f"{r.stages_s.get('asr', 0):.2f}", f"{r.stages_s.get('diarise', 0):.2f}",
                      f"{r.wall_s:.2f}", f"{r.rtf:.1f}", _fmt(r.wer), _fmt(r.der), _fmt(r.der_collar), spk)
    return table


def _summary(run: RunResult, subset=lambda r: True) -> dict:
    items = [r for r in run.items if subset(r)]
    audio = sum(r.audio_s for r in items)
    wall = sum(r.wall_s for r in items)
    wers = [r.wer for r in items if r.wer is not None]
    ders = [r.der for r in items if r.der is not None]
    return {
        "items": len(items), "audio_s": audio, "wall_s": wall, "rtf": audio / max(wall, 1e-9),
        "median_rtf": median([r.rtf for r in items]) if items else 0.0,
        "mean_wer": sum(wers) / len(wers) if wers else None,
        "mean_der": sum(ders) / len(ders) if ders else None,
        "peak_rss_mb": run.peak_rss_mb, "load_s": run.load_s,
    }


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

    totals = Table(title="totals (RTF = audio seconds / wall seconds, model load excluded)")
    for col in ("run", "subset", "items", "audio s", "wall s", "RTF", "median RTF", "mean WER", "mean DER", "peak RSS MB"):
        totals.add_column(col, justify="left" if col in ("run", "subset") else "right")
    figures: dict = {}
    for run in runs:
        for subset_name, subset in (("all", lambda r: True), ("AMI", is_ami)):
            s = _summary(run, subset)
            figures[f"{run.name}/{subset_name}"] = s
            totals.add_row(run.name, subset_name, str(s["items"]), f"{s['audio_s']:.1f}", f"{s['wall_s']:.1f}",
                           f"{s['rtf']:.1f}", f"{s['median_rtf']:.1f}", _fmt(s["mean_wer"]), _fmt(s["mean_der"]),
                           f"{s['peak_rss_mb']:.0f}")
    console.print(totals)
    ours = runs[0]
    sample = next((r for r in ours.items if r.id == "pyannote_sample"), None)
    if sample:
        console.print(f"pyannote sample.wav DER (no collar): {sample.der:.3f}")
    right = [r for r in ours.items if is_two_speaker(r)]
    console.print("speaker count on 2-speaker clips: " +
                  ", ".join(f"{r.id}={r.speakers_hyp}" for r in right))
    if naive:
        a, b = figures["pipeline/all"], figures["naive/all"]
        ami_a, ami_b = figures["pipeline/AMI"], figures["naive/AMI"]
        console.print(f"speed ratio pipeline/naive: {a['rtf'] / b['rtf']:.2f}x overall, "
                      f"{ami_a['rtf'] / ami_b['rtf']:.2f}x on AMI; "
                      f"WER {_fmt(a['mean_wer'])} vs {_fmt(b['mean_wer'])}; "
                      f"DER {_fmt(a['mean_der'])} vs {_fmt(b['mean_der'])}")
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2))
    return figures
