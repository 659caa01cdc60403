"""The stages in order, as two halves that can run separately::

    recognise   decode → speech recognition ‖ diarisation (side by side, same waveform) → align  → Recognised
    publish     redact → speaker roles (and voice profiles) → summarise → render → leak check → write

:class:`Pipeline` loads the models once and processes any number of recordings. A worker can run the halves
as separate tasks: :meth:`Pipeline.recognise`, :func:`save_checkpoint` into the job's private folder, then (on
the same or another process, or on a retry) :func:`load_checkpoint` and :meth:`Pipeline.publish`.
:meth:`Pipeline.run` is the two in sequence. The CLI, the workers and the web app are thin shells around it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .align import build_utterances, speaker_talk_times
from .audio import decode_audio, describe_source
from .diarise.voiceprint import identify_officers, load_profiles
from .errors import ModelError
from .files import write_private
from .options import PipelineOptions, RedactionOptions, SpeakerHints
from .publish import Outputs, write_outputs
from .records import Recognised, Summary, Transcript, from_dict, to_dict
from .redact import Redactor, redact_segments
from .summary import assign_roles, summarise, summarise_with_llm

logger = logging.getLogger(__name__)

RECOGNITION_STAGES = ("decode", "asr", "diarise", "align")
PUBLISHING_STAGES = ("redact", "summarise", "render")
STAGES = RECOGNITION_STAGES + PUBLISHING_STAGES
# (stage, fraction done 0..1)
ProgressCallback = Callable[[str, float], None]


@dataclass
class _RecognitionModels:
    recogniser: object  # transcribe.asr.Recogniser
    diariser: object  # transcribe.diarise.Diariser
    # Whisper (CTranslate2) and pyannote (torch) each leave a core partly idle on a small CPU; running them
    # side by side is ~1.4x faster on 2 cores than one after the other (see `make bench`).
    executor: ThreadPoolExecutor

    def close(self) -> None:
        self.executor.shutdown(wait=True)


@dataclass
class _PublishingModels:
    redactor: Redactor
    embedder: object  # transcribe.summary.embed.SentenceEmbedder
    risk_classifier: object  # transcribe.summary.risk_classifier.RiskClassifier


class Pipeline:
    """Models loaded once, recordings processed one after another. Use it as a context manager (or call
    :meth:`close`) so the diarisation thread is stopped.

    Args:
        model_root: the local model cache (see :mod:`transcribe.models`).
        options: stage options; defaults suit a two-person supervision session on CPU.
    """

    def __init__(self, model_root: Path, options: PipelineOptions | None = None):
        self.model_root = Path(model_root)
        self.options = options or PipelineOptions()
        self._recognition: _RecognitionModels | None = None
        self._publishing: _PublishingModels | None = None
        self.load_time_s: float | None = None

    # -- models ----------------------------------------------------------------------------------------------
    def load(self) -> float:
        """Load every model now (otherwise each half loads its own on first use); returns seconds spent.

        All or nothing: if any model fails, none is kept and :attr:`loaded` stays false.

        Raises:
            ModelError: names the model that failed and how to fix it.
        """
        self._load(recognition=True, publishing=True)
        return self.load_time_s or 0.0

    @property
    def loaded(self) -> bool:
        """Whether the models of both halves are loaded."""
        return self._recognition is not None and self._publishing is not None

    def _load(self, recognition: bool, publishing: bool) -> None:
        recognition = recognition and self._recognition is None
        publishing = publishing and self._publishing is None
        if not (recognition or publishing):
            return
        started = time.perf_counter()
        recognition_models = _load_recognition(self.model_root, self.options) if recognition else None
        try:
            publishing_models = _load_publishing(self.model_root, self.options) if publishing else None
        except BaseException:
            if recognition_models is not None:
                recognition_models.close()
            raise
        self._recognition = recognition_models or self._recognition
        self._publishing = publishing_models or self._publishing
        self.load_time_s = round((self.load_time_s or 0.0) + time.perf_counter() - started, 3)
        logger.info("models loaded in %.1f s", self.load_time_s)

    def _recognition_models(self) -> _RecognitionModels:
        self._load(recognition=True, publishing=False)
        return self._recognition

    def _publishing_models(self) -> _PublishingModels:
        self._load(recognition=False, publishing=True)
        return self._publishing

    @property
    def recogniser(self):
        """The loaded :class:`transcribe.asr.Recogniser`."""
        return self._recognition_models().recogniser

    def close(self) -> None:
        """Stop the diarisation thread and drop the models (a later call loads them again)."""
        if self._recognition is not None:
            self._recognition.close()
        self._recognition = self._publishing = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # -- the recognition half --------------------------------------------------------------------------------
    def recognise(self, path: str | Path, progress: ProgressCallback | None = None,
                  hints: SpeakerHints | None = None) -> Recognised:
        """Decode a recording, recognise its words and who spoke when, and give each word its speaker.

        Stage timings are each stage's own wall time; recognition and diarisation overlap (on recordings up to
        ``options.side_by_side_max_s``; longer ones run them one after the other), so ``total`` is less than
        their sum.

        Args:
            path: the recording.
            progress: ``progress(stage, fraction)`` callback.
            hints: what is known about this recording's speakers.

        Raises:
            InputError: the recording is unusable.
            AsrError, DiarisationError: a model stage failed.
            ModelError: a model could not be loaded.
        """
        models = self._recognition_models()
        timed = _Timer(progress)
        started = time.perf_counter()
        audio = timed("decode", decode_audio, path)
        source = describe_source(path, audio)
        diarise = partial(timed, "diarise", models.diariser.diarise, audio,
                          hook=_pyannote_hook(lambda f: timed.report("diarise", f)), hints=hints)
        recognise = partial(timed, "asr", models.recogniser.transcribe, audio,
                            progress=lambda f: timed.report("asr", f))
        if source.duration_s > self.options.side_by_side_max_s:  # one after the other: less memory
            diarisation = diarise()
            asr = recognise()
        else:
            diarising = models.executor.submit(diarise)
            try:
                asr = recognise()
            except BaseException:
                wait([diarising])  # never leave diarisation running behind a failed recognition
                raise
            diarisation = diarising.result()
        turns = diarisation.turns
        segments = timed("align", build_utterances, asr.segments, turns, diarisation.exclusive_turns,
                         self.options.align)
        timed.timings["total"] = round(time.perf_counter() - started, 3)
        # File names can carry a person's name: logs identify the recording by its checksum only.
        logger.info("recording %s: %.1f s audio recognised, %d utterances, %d speakers, %.1fx real time",
                    source.sha256[:12], source.duration_s, len(segments), len({t.speaker for t in turns}),
                    source.duration_s / max(timed.timings["total"], 1e-6))
        return Recognised(source=source, language=asr.language,
                          models={"asr": models.recogniser.name, "diarisation": models.diariser.name},
                          speakers=speaker_talk_times(turns, segments), speaker_turns=turns, segments=segments,
                          voices=diarisation.embeddings, timings_s=timed.timings)

    # -- the publishing half ---------------------------------------------------------------------------------
    def prepare(self, recognised: Recognised, progress: ProgressCallback | None = None,
                redaction: RedactionOptions | None = None) -> Transcript:
        """Redact, find speaker roles and write the note: the :class:`Transcript` to publish (nothing is
        written to disk, and ``recognised`` is left as it was).

        Args:
            recognised: the recognition half's result.
            progress: ``progress(stage, fraction)`` callback.
            redaction: this recording's redaction options (deny-list and keep-name terms given with it),
                instead of the pipeline's.
        """
        models = self._publishing_models()
        redactor = models.redactor if redaction is None else Redactor(redaction, model_root=self.model_root)
        timed = _Timer(progress, dict(recognised.timings_s))
        started = time.perf_counter()
        segments = [replace(s) for s in recognised.segments]  # redaction fills in copies
        redactions = timed("redact", redact_segments, redactor, segments)
        transcript = Transcript(source=recognised.source, language=recognised.language, models=recognised.models,
                                speakers=recognised.speakers, speaker_turns=recognised.speaker_turns,
                                segments=segments, redactions=redactions, timings_s=timed.timings)
        transcript.speakers = assign_roles(transcript)
        if self.options.voice_profiles is not None:
            profiles = load_profiles(self.options.voice_profiles)
            transcript.speakers = identify_officers(transcript.speakers, recognised.voices, profiles)
        transcript.summary = timed("summarise", self.summarise, transcript)
        timed.timings["total"] = round(timed.timings.get("total", 0.0) + time.perf_counter() - started, 3)
        return transcript

    def summarise(self, transcript: Transcript) -> Summary:
        """The CRISSA note of a redacted, role-labelled transcript, with this pipeline's models (and local
        language model, when configured): what a relabel or a reviewer's correction re-runs."""
        models = self._publishing_models()
        if self.options.llm is not None:
            return summarise_with_llm(transcript, self.options.llm, models.embedder, models.risk_classifier)
        return summarise(transcript, models.embedder, models.risk_classifier)

    def publish(self, recognised: Recognised, directory: str | Path, progress: ProgressCallback | None = None,
                redaction: RedactionOptions | None = None) -> tuple[Transcript, Outputs]:
        """:meth:`prepare`, then render, leak-check and write the documents into ``directory``.

        Raises:
            LeakError: a rendered document still contains an identifier; nothing was written.
            RenderError: the documents could not be written.
        """
        transcript = self.prepare(recognised, progress, redaction)
        report = _Timer(progress).report
        report("render", 0.0)
        outputs = write_outputs(transcript, Path(directory))  # records its own time in transcript.timings_s
        report("render", 1.0)
        return transcript, outputs

    # -- both ------------------------------------------------------------------------------------------------
    def transcribe(self, path: str | Path, progress: ProgressCallback | None = None,
                   hints: SpeakerHints | None = None) -> Transcript:
        """Recognise and prepare one recording: the :class:`Transcript`, nothing written to disk."""
        return self.prepare(self.recognise(path, progress, hints), progress)

    def run(self, path: str | Path, out_dir: str | Path, progress: ProgressCallback | None = None,
            name: str | None = None, hints: SpeakerHints | None = None) -> tuple[Transcript, Outputs]:
        """Recognise and publish one recording into ``<out_dir>/<name>/`` (``name`` defaults to the file name
        without its extension)."""
        return self.publish(self.recognise(path, progress, hints), Path(out_dir) / (name or Path(path).stem),
                            progress)


def save_checkpoint(recognised: Recognised, path: str | Path) -> None:
    """Store the recognition half's result as JSON, owner-only (it holds unredacted speech and voices)."""
    write_private(Path(path), json.dumps(to_dict(recognised), ensure_ascii=False).encode())


def load_checkpoint(path: str | Path) -> Recognised:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises:
        ValueError: the file is not a checkpoint of a schema this version reads (recognise again).
        OSError: it cannot be read.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("schema") != Recognised.schema:
            raise ValueError(f"schema {data.get('schema')!r}, this version reads {Recognised.schema}")
        return from_dict(Recognised, data)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"not a usable recognition checkpoint ({e}): recognise the recording again") from e


class _Timer:
    """Runs stages, recording each one's wall time in ``timings`` and reporting progress 0 then 1."""

    def __init__(self, progress: ProgressCallback | None, timings: dict[str, float] | None = None):
        self.report = progress or (lambda _stage, _fraction: None)
        self.timings = {} if timings is None else timings

    def __call__(self, stage: str, fn, *args, **kwargs):
        self.report(stage, 0.0)
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        self.timings[stage] = round(time.perf_counter() - started, 3)
        self.report(stage, 1.0)
        return result


def _load_model(what: str, factory: Callable[[], object]):
    """Build one model; a failure names the model and says how to fix the cache."""
    try:
        return factory()
    except (ModelError, OSError) as e:
        fix = "" if "transcribe models" in str(e) else \
            "; check the cache with `transcribe models verify` and rebuild it with `transcribe models install --force`"
        raise ModelError(f"the {what} model failed to load, so no model was loaded: {e}{fix}") from e


def _load_recognition(model_root: Path, options: PipelineOptions) -> _RecognitionModels:
    from .asr import Recogniser
    from .diarise import Diariser

    recogniser = _load_model("speech recognition", lambda: Recogniser(model_root, options.asr))
    diariser = _load_model("diarisation", lambda: Diariser(model_root, options.diarise))
    return _RecognitionModels(recogniser, diariser, ThreadPoolExecutor(max_workers=1, thread_name_prefix="diarise"))


def _load_publishing(model_root: Path, options: PipelineOptions) -> _PublishingModels:
    from .summary.embed import SentenceEmbedder
    from .summary.risk_classifier import load_risk_classifier

    redactor = Redactor(options.redaction, model_root=model_root)
    _load_model("redaction (spaCy and the name model)", redactor.warm_up)
    return _PublishingModels(redactor, _load_model("sentence embedding", lambda: SentenceEmbedder(model_root)),
                             _load_model("risk classifier", lambda: load_risk_classifier(model_root)))


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
