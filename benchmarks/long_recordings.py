"""Long test recordings (10, 30, 60, 120 minutes...) assembled from the real speech of an evaluation set.

``build(eval_dir, out_dir, minutes_list, seed=0)`` writes, for every N in ``minutes_list``::

    out_dir/long_{N}min.wav          16 kHz mono PCM16
    out_dir/long_{N}min.rttm         reference speakers (uri long_{N}min), offsets shifted to the recording
    out_dir/long_{N}min.txt          reference transcript: the clips' transcripts in order, one clip a line
    out_dir/long_{N}min.build.json   the parameters it was built with (the cache key)
    out_dir/manifest.json            the requested lengths, in the format of ``eval_dir/manifest.json``

so ``bench_pipeline.run_benchmark(out_dir, ...)`` reads it unchanged. Command line::

    python -m benchmarks.long_recordings --eval-dir ../shared/eval --out-dir build/long --minutes 10 30 60

**How a recording is assembled.** The usable clips of ``eval_dir/manifest.json`` (the pool) are put in a
seeded shuffled order and appended one after another with a pause of 0.4-1.5 s (uniform, seeded) between
clips, until the recording reaches N minutes (it ends after the clip that reaches N minutes, so it is up
to one clip longer). When the pool is used up it is shuffled again and reused; the next pass never starts
with the clip the last one ended on. The same seed gives the same sequence for every N, so the 10-minute
recording is the first 10 minutes of the 30-minute one.

**The pool is small: 24 clips, 5.3 minutes of audio** (the whole evaluation set is 7.2 minutes, and not all
of it is usable, below). One pass through it with pauses is about 5.6 minutes, so a 10-minute recording
holds every clip about twice, a 60-minute one about 11 times and a 120-minute one about 21 times: **the
recogniser hears the same clips again and again**, and WER on a long recording measures whether long
input loses or garbles words (chunking, drift, memory), not accuracy on new speech. Speakers keep their
real identities across repeats and across clips (AMI participant FEO065 is in meetings EN2001a and
EN2001e, FEE083 in EN2005a and EN2009b; LibriSpeech speaker 1089 and each VCTK speaker read several
clips), so diarisation sees the same people return throughout: 25 distinct voices from 10 minutes on.
That is far more than a supervision session, and more than the pipeline's speaker bound
(``TRANSCRIBE_MAX_SPEAKERS``, default 4), so DER here is dominated by speaker confusion by design: compare
it with the naive run's DER on the same recording, not with the short set's.

**Which clips are used** (every rule is applied to the manifest's fields, so a new item follows them):

- needs a reference transcript: ``pyannote_sample`` has none; its words would count as insertions
  against both systems. Skipped.
- needs speech: items flagged ``low_speech`` (two AMI windows holding one or two words in 30 s) are
  skipped; they would add 30 s of near-silence with almost no reference.
- needs speaker timing: a multi-speaker item needs an RTTM. ``fw_stereo_two_channel`` (two read sentences
  on separate channels, downmixed so that they overlap; its transcript is left-then-right, not time
  order; no RTTM) is skipped: its overlapped words cannot be given a reference order or speaker.
- the JFK excerpt was 44.1 kHz stereo at source; the evaluation set already holds it as 16 kHz mono
  (identical channels), so it is used like any other clip. Every clip is decoded with
  ``transcribe.audio.decode_audio`` (16 kHz mono float32), so any other rate or channel count is
  downmixed and resampled the same way.

**Reference speaker labels.** A clip with an RTTM (AMI) is used whole (its own silences and overlaps
included) and keeps its RTTM's speakers, prefixed by corpus (``ami_MEE068``). A single-speaker clip
without an RTTM (JFK, LibriSpeech, VCTK) gets one label for its real speaker (``jfk``, ``librispeech_1089``
from the file name, ``vctk_p225`` from ``speakers``) and one RTTM segment from its first to its last frame
above an energy threshold (``_speech_extent``: 15 dB over the clip's noise floor, in runs of 60 ms); its
leading and trailing silence beyond 150 ms is cut from the audio, so that the pause between clips really is
0.4-1.5 s (VCTK clips open with up to 3 s of silence). Pauses inside a sentence count as that speaker's
speech (as in hand-made RTTMs at this granularity); both systems are scored against the same reference.

**Cache.** A length whose four files exist with a ``.build.json`` equal to the parameters asked for
(seed, pause range, trimming, the source manifest's checksum, this module's ``VERSION``) is not rebuilt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VERSION = 1
SAMPLE_RATE = 16000
PAUSE_S = (0.4, 1.5)
TRIM_MARGIN_S = 0.15
_FRAME_S = 0.02
# A frame is speech when it is this far above the clip's noise floor (its 10th-percentile frame) and within
# _BELOW_PEAK_DB of its loudest frame, in a run of at least _MIN_RUN frames (no clicks or breaths).
_ABOVE_FLOOR_DB = 15.0
_BELOW_PEAK_DB = 35.0
_MIN_RUN = 3


@dataclass
class Clip:
    id: str
    samples: np.ndarray  # float32, 16 kHz mono
    transcript: str
    # (start, end, label) in seconds from the clip's (trimmed) start
    segments: list[tuple[float, float, str]]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


# -- the pool ----------------------------------------------------------------------------------------------------
def usable(item: dict) -> tuple[bool, str]:
    """Whether an evaluation item can go into a long recording, and if not, why."""
    if not item.get("reference_transcript_path"):
        return False, "no reference transcript"
    if item.get("low_speech"):
        return False, "almost no speech (low_speech)"
    if not item.get("reference_rttm_path") and (item.get("n_speakers") or 1) > 1:
        return False, "several speakers and no RTTM (no reference timing or order for their words)"
    return True, ""


def _corpus(item: dict) -> str:
    return re.split(r"[_\-]", item["id"], maxsplit=1)[0].lower()


def _single_speaker(item: dict) -> str:
    """One global label for the real speaker of a single-speaker clip without an RTTM."""
    corpus = _corpus(item)
    speakers = item.get("speakers") or {}
    if isinstance(speakers, dict) and len(speakers) == 1:
        return f"{corpus}_{next(iter(speakers))}"
    if corpus == "librispeech":  # <speaker>-<chapter>-<utterance>
        return f"librispeech_{Path(item['path']).stem.split('-')[0]}"
    if corpus == "jfk":
        return "jfk"
    return item["id"]


def _speech_extent(samples: np.ndarray) -> tuple[float, float]:
    """First and last frame above the energy threshold, in seconds (the whole clip when none is)."""
    frame = int(_FRAME_S * SAMPLE_RATE)
    n = len(samples) // frame
    if n == 0:
        return 0.0, len(samples) / SAMPLE_RATE
    rms = np.sqrt(np.mean(samples[: n * frame].reshape(n, frame).astype(np.float64) ** 2, axis=1))
    db = 20 * np.log10(np.maximum(rms, 1e-10))
    loud = db > max(np.percentile(db, 10) + _ABOVE_FLOOR_DB, db.max() - _BELOW_PEAK_DB)
    # frames that start a run of _MIN_RUN loud frames, and frames that end one
    runs = np.convolve(loud.astype(int), np.ones(_MIN_RUN, dtype=int), mode="valid") == _MIN_RUN
    starts = np.flatnonzero(runs)
    if starts.size == 0:
        return 0.0, len(samples) / SAMPLE_RATE
    return starts[0] * _FRAME_S, (starts[-1] + _MIN_RUN) * _FRAME_S


def _read_rttm(path: Path) -> list[tuple[float, float, str]]:
    segments = []
    for line in path.read_text().splitlines():
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER":
            segments.append((float(f[3]), float(f[3]) + float(f[4]), f[7]))
    return segments


def load_pool(eval_dir: Path) -> tuple[list[Clip], dict[str, str]]:
    """The usable clips of ``eval_dir/manifest.json``, decoded, and the skipped ones with the reason."""
    from transcribe.audio import decode_audio

    items = json.loads((eval_dir / "manifest.json").read_text())["items"]
    pool, skipped = [], {}
    for item in items:
        ok, why = usable(item)
        if not ok:
            skipped[item["id"]] = why
            continue
        audio = decode_audio((eval_dir / item["path"]).resolve())
        samples = np.asarray(audio.samples, dtype=np.float32)
        text = " ".join((eval_dir / item["reference_transcript_path"]).read_text().split())
        if item.get("reference_rttm_path"):
            corpus = _corpus(item)
            segments = [(s, min(e, len(samples) / SAMPLE_RATE), f"{corpus}_{label}")
                        for s, e, label in _read_rttm(eval_dir / item["reference_rttm_path"])]
        else:
            start, end = _speech_extent(samples)
            lo = max(0.0, start - TRIM_MARGIN_S)
            hi = min(len(samples) / SAMPLE_RATE, end + TRIM_MARGIN_S)
            samples = samples[int(round(lo * SAMPLE_RATE)): int(round(hi * SAMPLE_RATE))]
            segments = [(start - lo, end - lo, _single_speaker(item))]
        pool.append(Clip(item["id"], samples, text, segments))
    return pool, skipped


# -- one recording -----------------------------------------------------------------------------------------------
def _sequence(pool: list[Clip], minutes: float, seed: int) -> list[tuple[Clip, int]]:
    """(clip, pause in samples after it) until ``minutes`` is reached."""
    rng = random.Random(seed)
    target = minutes * 60 * SAMPLE_RATE
    order: list[tuple[Clip, int]] = []
    total, last = 0, None
    while True:
        batch = pool[:]
        rng.shuffle(batch)
        if last is not None and len(batch) > 1 and batch[0] is last:
            batch[0], batch[1] = batch[1], batch[0]
        for clip in batch:
            pause = int(round(rng.uniform(*PAUSE_S) * SAMPLE_RATE))
            order.append((clip, pause))
            total += len(clip.samples)
            if total >= target:
                return order
            total += pause
        last = batch[-1]


def _write_recording(order: list[tuple[Clip, int]], name: str, out_dir: Path) -> dict:
    wav, rttm, txt = (out_dir / f"{name}.{ext}" for ext in ("wav", "rttm", "txt"))
    rttm_lines, texts, offset = [], [], 0
    speakers: dict[str, int] = {}
    partial = {p: p.with_name(p.name + ".part") for p in (wav, rttm, txt)}
    with wave.open(str(partial[wav]), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        for i, (clip, pause) in enumerate(order):
            pcm = np.clip(np.round(clip.samples * 32767.0), -32768, 32767).astype("<i2")
            w.writeframes(pcm.tobytes())
            start_s = offset / SAMPLE_RATE
            for s, e, label in clip.segments:
                if e > s:
                    rttm_lines.append((start_s + s, e - s, label))
                    speakers[label] = speakers.get(label, 0) + 1
            texts.append(clip.transcript)
            offset += len(pcm)
            if i < len(order) - 1:
                w.writeframes(np.zeros(pause, dtype="<i2").tobytes())
                offset += pause
    rttm_lines.sort()
    partial[rttm].write_text("".join(f"SPEAKER {name} 1 {s:.3f} {d:.3f} <NA> <NA> {label} <NA> <NA>\n"
                                     for s, d, label in rttm_lines))
    partial[txt].write_text("\n".join(texts) + "\n")
    for final, part in partial.items():
        part.replace(final)
    return {"duration_s": round(offset / SAMPLE_RATE, 3), "n_speakers": len(speakers),
            "speakers": sorted(speakers), "n_clips": len(order),
            "n_words": sum(len(t.split()) for t in texts)}


# -- the set -----------------------------------------------------------------------------------------------------
def _params(eval_dir: Path, minutes: float, seed: int) -> dict:
    return {"version": VERSION, "minutes": minutes, "seed": seed, "pause_s": list(PAUSE_S),
            "trim_margin_s": TRIM_MARGIN_S, "speech_threshold": [_ABOVE_FLOOR_DB, _BELOW_PEAK_DB, _MIN_RUN],
            "source_manifest_sha256": hashlib.sha256((eval_dir / "manifest.json").read_bytes()).hexdigest()}


def _name(minutes: float) -> str:
    return f"long_{minutes:g}min"


def build(eval_dir: Path | str, out_dir: Path | str, minutes_list, seed: int = 0,
          log=lambda message: print(message, file=sys.stderr)) -> Path:
    """Build (or reuse) one recording per length in ``minutes_list`` and write ``out_dir/manifest.json``
    listing exactly those lengths, in that order. Returns the manifest's path."""
    eval_dir, out_dir = Path(eval_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pool: list[Clip] | None = None
    skipped: dict[str, str] = {}
    items = []
    for minutes in minutes_list:
        name = _name(minutes)
        params = _params(eval_dir, minutes, seed)
        stamp = out_dir / f"{name}.build.json"
        files = [out_dir / f"{name}.{ext}" for ext in ("wav", "rttm", "txt")]
        cached = json.loads(stamp.read_text()) if stamp.is_file() else None
        if cached and cached.get("params") == params and all(f.is_file() for f in files):
            info = cached["info"]
            log(f"{name}: cached ({info['duration_s'] / 60:.1f} min)")
        else:
            if pool is None:
                pool, skipped = load_pool(eval_dir)
                pool_s = sum(c.duration_s for c in pool)
                log(f"pool: {len(pool)} clips, {pool_s / 60:.1f} min of audio; skipped: " +
                    ", ".join(f"{k} ({v})" for k, v in skipped.items()))
            order = _sequence(pool, minutes, seed)
            info = _write_recording(order, name, out_dir)
            info["repeats"] = round(len(order) / len(pool), 1)
            info["pool_clips"] = len(pool)
            info["pool_s"] = round(sum(c.duration_s for c in pool), 3)
            info["skipped"] = skipped
            stamp.write_text(json.dumps({"params": params, "info": info}, indent=1))
            log(f"{name}: built ({info['duration_s'] / 60:.1f} min, {info['n_clips']} clips, "
                f"{info['n_speakers']} speakers)")
        items.append({
            "id": name, "path": f"{name}.wav", "duration_s": info["duration_s"],
            "n_speakers": info["n_speakers"], "speakers": info["speakers"], "language": "en",
            "kind": f"{minutes:g} minutes of evaluation-set clips with 0.4-1.5 s pauses "
                    f"(pool repeated ~{info['repeats']}x)",
            "has_rttm": True, "has_transcript": True, "n_words": info["n_words"], "n_clips": info["n_clips"],
            "repeats": info["repeats"], "pool_clips": info["pool_clips"], "pool_s": info["pool_s"],
            "reference_transcript_path": f"{name}.txt", "reference_rttm_path": f"{name}.rttm",
            "sample_rate_hz": SAMPLE_RATE, "channels": 1, "format": "wav pcm_s16le",
            "notes": "built by benchmarks/long_recordings.py; clips repeat, so WER measures long-input "
                     "robustness, not accuracy on new speech",
        })
    manifest = {
        "description": "Long recordings assembled from the real speech of "
                       f"{eval_dir} by benchmarks/long_recordings.py (seed {seed}). Paths are relative to "
                       "this folder.",
        "conventions": {
            "rttm": "NIST RTTM, uri = item id, times in seconds from start of the recording; speaker labels "
                    "are the clips' real speakers, prefixed by corpus (ami_MEE068, librispeech_1089, vctk_p225, jfk)",
            "transcript": "plain text, one clip per line in recording order",
        },
        "split": "long",
        "total_duration_s": round(sum(i["duration_s"] for i in items), 3),
        "items": items,
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=1))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--out-dir", type=Path, default=Path("build/long"))
    parser.add_argument("--minutes", type=float, nargs="+", default=[10, 30, 60])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(build(args.eval_dir, args.out_dir, args.minutes, args.seed))


if __name__ == "__main__":
    main()
