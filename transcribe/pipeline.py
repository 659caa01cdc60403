"""The whole recording-to-transcript run: decode → transcribe → diarise → align → render.

:class:`Pipeline` loads the models once and processes any number of recordings; the CLI, Celery workers
and the web app are thin shells around it.
"""

from __future__ import annotations

import io
import json
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from .align import build_utterances, speaker_talk_times
from .audio import decode_audio, describe_source
from .embed import SentenceEmbedder
from .errors import RenderError
from .exports import EXPORTS, spoken_text
from .options import PipelineOptions
from .records import Transcript
from .redact import LeakError, Redactor, check_for_leaks, redact_segments, transcript_originals
from .render import docx_text, render_transcript_docx, transcript_to_dict
from .render_summary import render_summary_docx
from .risk_classifier import load_risk_classifier
from .roles import assign_roles
from .summarise import summarise
from .summarise_llm import summarise_with_llm
from .voiceprint import identify_officers, load_profiles

logger = logging.getLogger(__name__)

STAGES = ("decode", "asr", "diarise", "align", "redact", "summarise", "render")
# (stage, fraction done 0..1)
ProgressCallback = Callable[[str, float], None]


@dataclass
class Outputs:
    """Files written for one recording."""

    directory: Path
    transcript_json: Path
    transcript_docx: Path
    summary_docx: Path


class Pipeline:
    """Models loaded once, recordings processed one after another.

    Args:
        model_root: the local model cache (see :mod:`transcribe.models`).
        options: stage options; defaults suit a two-person supervision session on CPU.
    """

    def __init__(self, model_root: Path, options: PipelineOptions | None = None):
        self.model_root = Path(model_root)
        self.options = options or PipelineOptions()
        self._recogniser = None
        self._diariser = None
        self._redactor = None
        self._embedder = None
        self._risk_classifier = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="diarise")
        self.load_time_s: float | None = None

    def load(self) -> float:
        """Load both models now (otherwise the first recording does it); returns seconds spent."""
        if self._recogniser is None or self._diariser is None:
            from .asr import Recogniser
            from .diarise import Diariser

            started = time.perf_counter()
            self._recogniser = Recogniser(self.model_root, self.options.asr)
            self._diariser = Diariser(self.model_root, self.options.diarise)
            self._redactor = Redactor(self.options.redaction)
            self._embedder = SentenceEmbedder(self.model_root)
            self._risk_classifier = load_risk_classifier(self.model_root)
            self._redactor.warm_up()
            self.load_time_s = time.perf_counter() - started
            logger.info("models loaded in %.1f s", self.load_time_s)
        return self.load_time_s or 0.0

    @property
    def recogniser(self):
        self.load()
        return self._recogniser

    @property
    def diariser(self):
        self.load()
        return self._diariser

    @property
    def embedder(self):
        self.load()
        return self._embedder

    @property
    def risk_classifier(self):
        self.load()
        return self._risk_classifier

    def transcribe(self, path: str | Path, progress: ProgressCallback | None = None, **speaker_hints) -> Transcript:
        """Process one recording into a :class:`Transcript` (nothing written to disk).

        Stage timings are each stage's own wall time; ASR and diarisation overlap, so ``total`` is less
        than their sum.

        Args:
            path: the recording.
            progress: ``progress(stage, fraction)`` callback.
            **speaker_hints: ``num_speakers``, ``min_speakers``, ``max_speakers`` for this recording.

        Raises:
            InputError: the recording is unusable.
            AsrError, DiarisationError: a model stage failed.
        """
        report = progress or (lambda _stage, _fraction: None)
        self.load()
        timings: dict[str, float] = {}
        started = time.perf_counter()

        def timed(stage, fn, *args, **kwargs):
            report(stage, 0.0)
            t0 = time.perf_counter()
            result = fn(*args, **kwargs)
            timings[stage] = round(time.perf_counter() - t0, 3)
            report(stage, 1.0)
            return result

        audio = timed("decode", decode_audio, path)
        source = describe_source(path, audio)
        # Whisper (CTranslate2) and pyannote (torch) each leave a core partly idle on a small CPU; running
        # them side by side is ~1.4x faster on 2 cores than one after the other (see `make bench`).
        diarising = self._executor.submit(timed, "diarise", self._diariser.diarise, audio,
                                          hook=_pyannote_hook(lambda f: report("diarise", f)), **speaker_hints)
        try:
            asr = timed("asr", self._recogniser.transcribe, audio, progress=lambda f: report("asr", f))
        except BaseException:
            wait([diarising])  # never leave diarisation running behind a failed recognition
            raise
        diarisation = diarising.result()
        turns, exclusive = diarisation.turns, diarisation.exclusive_turns
        segments = timed("align", build_utterances, asr.segments, turns, exclusive, self.options.align)
        redactions = timed("redact", redact_segments, self._redactor, segments)
        transcript = Transcript(
            source=source, language=asr.language,
            models={"asr": self._recogniser.name, "diarisation": self._diariser.name},
            speakers=speaker_talk_times(turns, segments), speaker_turns=turns, segments=segments,
            redactions=redactions, timings_s=timings)
        transcript.speakers = assign_roles(transcript)
        if self.options.voice_profiles is not None:
            profiles = load_profiles(self.options.voice_profiles)
            transcript.speakers = identify_officers(transcript.speakers, diarisation.embeddings, profiles)
        if self.options.llm is not None:
            transcript.summary = timed("summarise", summarise_with_llm, transcript, self.options.llm,
                                       self._embedder, self._risk_classifier).to_dict()
        else:
            transcript.summary = timed("summarise", summarise, transcript, self._embedder,
                                       self._risk_classifier).to_dict()
        timings["total"] = round(time.perf_counter() - started, 3)
        # File names can carry a person's name: logs identify the recording by its checksum only.
        logger.info("recording %s: %.1f s audio, %d utterances, %d speakers, %.1fx real time", source.sha256[:12],
                    source.duration_s, len(segments), len({t.speaker for t in turns}),
                    source.duration_s / max(timings["total"], 1e-6))
        return transcript

    def run(self, path: str | Path, out_dir: str | Path, progress: ProgressCallback | None = None,
            name: str | None = None, **speaker_hints) -> tuple[Transcript, Outputs]:
        """Process one recording and write ``<out_dir>/<name>/transcript.{json,docx}``.

        ``name`` defaults to the recording's file name without its extension.
        """
        transcript = self.transcribe(path, progress=progress, **speaker_hints)
        report = progress or (lambda _stage, _fraction: None)
        report("render", 0.0)
        outputs = write_outputs(transcript, Path(out_dir) / (name or Path(path).stem))
        report("render", 1.0)
        return transcript, outputs


def _pyannote_hook(report: Callable[[float], None]):
    """Adapt pyannote's ``hook(step, artefact, completed=, total=)`` to a 0..1 fraction."""
    weights = {"segmentation": (0.0, 0.3), "embeddings": (0.3, 0.95)}

    def hook(step_name, _artefact, file=None, total=None, completed=None):
        lo, hi = weights.get(step_name, (0.95, 1.0))
        if total and completed is not None:
            report(lo + (hi - lo) * completed / total)
        else:
            report(hi)

    return hook


def _json_bytes(transcript: Transcript) -> bytes:
    return (json.dumps(transcript_to_dict(transcript), ensure_ascii=False, indent=1) + "\n").encode()


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically, readable and writable by the owner only (0600) from the first byte."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(transcript: Transcript, directory: Path) -> Outputs:
    """Write the redacted ``transcript.docx``, ``.txt``, ``.srt`` and ``.vtt``, and ``transcript.json``
    (owner-only: it holds unredacted text).

    The Word files are re-read and, with the text exports, scanned for identifier patterns and for every
    redacted value before anything is written (:func:`transcribe.redact.check_for_leaks`). The rendering time is added to
    ``transcript.timings_s`` (``render`` and ``total``) before the JSON is written.

    Raises:
        LeakError: the rendered document still contains an identifier; nothing was written.
        RenderError: the directory cannot be created or written.
    """
    directory = Path(directory)
    started = time.perf_counter()
    if not transcript.summary:
        transcript.summary = summarise(transcript).to_dict()
    buffer = io.BytesIO()
    render_transcript_docx(transcript, buffer)
    summary_buffer = io.BytesIO()
    render_summary_docx(transcript, summary_buffer)
    exports = {name: render(transcript).encode() for name, render in EXPORTS.items()}
    shared_text = "\n".join([docx_text(buffer.getvalue()), docx_text(summary_buffer.getvalue()),
                             *(spoken_text(data.decode()) for data in exports.values())])
    problems = check_for_leaks(shared_text, transcript_originals(transcript.segments, transcript.redactions))
    if problems:
        raise LeakError(f"the shared documents failed the leak check ({len(problems)} finding(s): "
                        f"{'; '.join(sorted(set(problems))[:5])}); nothing was published")
    render_s = time.perf_counter() - started
    timings = transcript.timings_s
    timings["render"] = round(render_s, 3)
    timings["total"] = round(timings.get("total", 0.0) + render_s, 3)
    outputs = Outputs(directory, directory / "transcript.json", directory / "transcript.docx",
                      directory / "summary.docx")
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(outputs.transcript_docx, buffer.getvalue())
        _write_private(outputs.summary_docx, summary_buffer.getvalue())
        for name, data in exports.items():
            _write_private(directory / name, data)
        _write_private(outputs.transcript_json, _json_bytes(transcript))
    except OSError as e:
        raise RenderError(f"cannot write outputs to {directory}: {e.strerror or e}") from e
    return outputs
