"""Speech recognition with faster-whisper: word timestamps, Silero VAD, no conditioning on previous text."""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import runtime  # noqa: F401  (offline switches and import order; before faster_whisper)
from .errors import AsrError, ModelError
from .memory import release_freed_memory
from .models import resolve_model_dir
from .options import AsrOptions
from .records import AsrSegment, Audio, Word
from .spelling import british

logger = logging.getLogger(__name__)

LOOP_COMPRESSION_RATIO = 2.4  # faster-whisper's compression_ratio_threshold
# Batched decoding has no fallback and sometimes stops after the first sentence of a 30 s chunk. Speech the
# VAD heard with no recognised word for this long is decoded again in a window of its own (see ``_fill_holes``).
HOLE_S = 1.5
HOLE_WINDOW_S = 10.0  # longest window a hole is decoded again in
HOLE_PADS_S = (1.0, 0.2)  # speech before (and after) a hole decoded with it, pass by pass (see ``_fill_holes``)
_WORD_SLACK_S = 0.2  # a word's timestamps may be this far off
HOLE_BATCHES_PER_CALL = 16  # hole windows are decoded this many batches of inputs at a time (see ``_decode_holes``)
CHUNK_S = 30  # Whisper's input: every chunk is padded to this many seconds for the encoder
HOLE_VAD_THRESHOLD = 0.15  # Silero speech probability above which a stretch without words is a hole
# faster-whisper's Silero VAD copies its whole input twice and more (about 1 GB for two hours); read in
# windows of this many seconds its memory stays flat however long the recording.
VAD_WINDOW_S = 300
# Batched decoding holds a copy of the speech it is given and the features of all of it (about 900 MB for two
# hours): a long recording is decoded in slices of at most this many seconds, each cut in a pause.
SLICE_S = 1200
_CUT_SEARCH_S = 60.0  # a slice ends in the widest pause of its last this many seconds


@dataclass
class AsrResult:
    """Recognised speech and the language it was decoded as."""

    segments: list[AsrSegment]
    language: str


def resolve_ct2_device(device: str) -> str:
    """``auto`` becomes ``cuda`` when CTranslate2 sees a GPU, else ``cpu``."""
    import ctranslate2

    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    if device == "cuda" and not has_cuda:
        raise ValueError("device='cuda' was asked for but CTranslate2 sees no CUDA device; use 'auto' or 'cpu'")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {device!r}")
    return device


def resolve_compute_type(device: str, compute_type: str) -> str:
    """``auto`` becomes float16 on CUDA and int8 on CPU."""
    if compute_type == "auto":
        return "float16" if device == "cuda" else "int8"
    return compute_type


def _vad_parameters(opts: AsrOptions, batched: bool) -> dict:
    params = {"threshold": opts.vad_threshold}
    if batched:
        # faster-whisper's batched defaults: chunks of at most 30 s, split at 160 ms pauses.
        params.update(max_speech_duration_s=30, min_silence_duration_ms=160)
    return params


def speech_timestamps(audio, vad_options=None, sampling_rate: int = 16000, **kwargs) -> list[dict]:
    """faster-whisper's ``get_speech_timestamps`` (sample offsets), run window by window; or, when the options
    carry ``known_speech`` (see :func:`_known_speech`), that speech as it is."""
    from faster_whisper import vad

    if getattr(vad_options, "known_speech", None) is not None:
        return vad_options.known_speech
    step = VAD_WINDOW_S * sampling_rate
    found = []
    for lo in range(0, len(audio), step):
        for t in vad.get_speech_timestamps(audio[lo:lo + step], vad_options, sampling_rate, **kwargs):
            found.append({"start": t["start"] + lo, "end": t["end"] + lo})
    return found


def _use_windowed_vad() -> None:
    """Make faster-whisper's own VAD calls (batched and sequential decoding) go through
    :func:`speech_timestamps`."""
    import faster_whisper.transcribe

    faster_whisper.transcribe.get_speech_timestamps = speech_timestamps


def _word(w, spell: Callable[[str], str]) -> Word:
    """Our word from one of faster-whisper's."""
    return Word(start=round(w.start, 3), end=round(w.end, 3), word=spell(w.word.strip()),
                probability=round(w.probability, 4))


def find_holes(speech: list[tuple[float, float]], words: list[tuple[float, float]],
               min_s: float = HOLE_S) -> list[tuple[float, float]]:
    """Stretches of ``speech`` (start, end seconds) at least ``min_s`` long that no word (start, end) touches."""
    words = sorted(words)
    holes = []
    i = 0
    for start, end in sorted(speech):
        cursor = start
        while i < len(words) and words[i][1] + _WORD_SLACK_S < start:
            i += 1
        j = i
        while j < len(words) and words[j][0] - _WORD_SLACK_S < end:
            w_start, w_end = words[j][0] - _WORD_SLACK_S, words[j][1] + _WORD_SLACK_S
            if w_start - cursor >= min_s:
                holes.append((cursor, w_start))
            cursor = max(cursor, w_end)
            j += 1
        if end - cursor >= min_s:
            holes.append((cursor, end))
    return holes


def slice_bounds(speech: list[tuple[float, float]], duration_s: float, slice_s: float,
                 search_s: float = _CUT_SEARCH_S) -> list[tuple[float, float]]:
    """``0``-``duration_s`` cut into slices of at most ``slice_s`` seconds, each cut in the middle of the widest
    pause between ``speech`` stretches (start, end seconds) within ``search_s`` of the slice's limit (at the
    limit itself when there is no pause there)."""
    speech = sorted(speech)
    bounds, lo = [], 0.0
    while duration_s - lo > slice_s:
        limit = lo + slice_s
        pauses = [(b - a, (a + b) / 2) for (_, a), (b, _) in zip(speech, speech[1:], strict=False)
                  if max(lo, limit - search_s) < a and b <= limit and b > a]
        cut = max(pauses)[1] if pauses else limit
        bounds.append((lo, cut))
        lo = cut
    bounds.append((lo, duration_s))
    return bounds


def _shift(piece, offset_s: float) -> None:
    """A faster-whisper segment's times (and its words') moved ``offset_s`` seconds later, in place."""
    piece.start, piece.end = piece.start + offset_s, piece.end + offset_s
    for w in piece.words or []:
        w.start, w.end = w.start + offset_s, w.end + offset_s


def _merged_where_overlapping(segments: list[AsrSegment]) -> list[AsrSegment]:
    """Segments (given in order of start) with one that starts before the last ended merged into it, its words in
    time order: words found again in a pause inside a segment ("it?" at 60.4 s, then "Yeah," at 62.2 s, inside a
    segment running to 63.8 s) take their place in it, and the transcript's words stay in recording order."""
    merged: list[AsrSegment] = []
    for seg in segments:
        if merged and seg.start < merged[-1].end:
            last = merged[-1]
            words = sorted(last.words + seg.words, key=lambda w: (w.start, w.end))
            merged[-1] = AsrSegment(start=min(last.start, seg.start), end=max(last.end, seg.end),
                                    text=" ".join(w.word for w in words), words=words)
        else:
            merged.append(seg)
    return merged


def _hole_of(t: float, holes: list[tuple[float, float]]) -> int | None:
    """The index of the hole holding time ``t``, if any."""
    return next((i for i, (a, b) in enumerate(holes) if a <= t <= b), None)


def _packed(windows: list[tuple[float, float]], sample_rate: int) -> list[list[dict]]:
    """Decoding windows (start, end seconds) as faster-whisper's speech chunks (sample offsets, none overlapping
    the one before), grouped as its ``collect_chunks`` packs them, back to back, into Whisper inputs of at most
    :data:`CHUNK_S` seconds."""
    chunks: list[list[dict]] = []
    filled, last_end = CHUNK_S * sample_rate, 0
    for a, b in windows:
        start, end = max(int(a * sample_rate), last_end), int(b * sample_rate)
        if end <= start:
            continue
        if filled + end - start > CHUNK_S * sample_rate:
            chunks.append([])
            filled = 0
        chunks[-1].append({"start": start, "end": end})
        filled, last_end = filled + end - start, end
    return chunks


def _known_speech(stretches: list[dict]):
    """VAD options that make :func:`speech_timestamps` return ``stretches`` instead of listening again."""
    from faster_whisper.vad import VadOptions

    options = VadOptions()
    options.known_speech = stretches
    return options


def _windows(holes: list[tuple[float, float]], pad_s: float, max_s: float, duration_s: float) -> list[tuple[float, float]]:
    """Holes padded and merged into decoding windows of at most ``max_s`` seconds; a longer hole is cut into
    several windows, so none of it is left out."""
    windows: list[list[float]] = []
    for start, end in holes:
        start, end = max(0.0, start - pad_s), min(duration_s, end + pad_s)
        if windows and start <= windows[-1][1] and end - windows[-1][0] <= max_s:
            windows[-1][1] = max(windows[-1][1], end)
            continue
        pieces = math.ceil((end - start) / max_s - 1e-9)
        step = (end - start) / pieces  # equal pieces: no short remainder decoded without context
        windows.extend([start + i * step, start + (i + 1) * step] for i in range(pieces))
    return [(a, b) for a, b in windows]


class Recogniser:
    """A loaded Whisper model. Build once per process, call :meth:`transcribe` per recording."""

    def __init__(self, model_root: Path, options: AsrOptions | None = None):
        from faster_whisper import BatchedInferencePipeline, WhisperModel
        _use_windowed_vad()

        self.options = opts = options or AsrOptions()
        self.model_dir = resolve_model_dir(model_root, opts.model, "speech recognition")
        if not (self.model_dir / "tokenizer.json").is_file():
            # Without it faster-whisper fetches the tokenizer from the hub.
            raise ModelError(f"{self.model_dir} has no tokenizer.json; it is not a complete faster-whisper model")
        self.device = resolve_ct2_device(opts.device)
        compute_type = resolve_compute_type(self.device, opts.compute_type)
        try:
            self.model = WhisperModel(str(self.model_dir), device=self.device, compute_type=compute_type,
                                      cpu_threads=opts.cpu_threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"cannot load the Whisper model from {self.model_dir}: {e}") from e
        self.compute_type = compute_type
        self.batched = BatchedInferencePipeline(self.model) if opts.batch_size > 1 and opts.vad else None

    def _is_loop(self, seg) -> bool:
        # Batched decoding has no temperature fallback, so a chunk can come back as one phrase repeated to
        # the end of the window. Whisper's own test: text that compresses this well is a loop.
        return self.batched is not None and seg.compression_ratio > LOOP_COMPRESSION_RATIO

    def _decode_options(self) -> dict:
        opts = self.options
        return dict(
            language=None if opts.language == "auto" else opts.language,
            beam_size=opts.beam_size,
            word_timestamps=True,
            vad_filter=opts.vad,
            vad_parameters=_vad_parameters(opts, batched=self.batched is not None) if opts.vad else None,
            # Conditioning on previous text makes Whisper loop on repeated phrases in long recordings.
            condition_on_previous_text=False,
            hotwords=" ".join(opts.hotwords) or None,
        )

    def _redecode(self, audio: Audio, start: float, end: float) -> list:
        """Decode ``start``-``end`` s again, sequentially, with Whisper's temperature fallback; times are the
        recording's."""
        logger.info("re-decoding %.1f-%.1f s", start, end)
        clip = audio.samples[int(start * audio.sample_rate):int(end * audio.sample_rate)]
        options = {**self._decode_options(), "vad_filter": False, "vad_parameters": None}
        pieces = list(self.model.transcribe(clip, **options)[0])
        for piece in pieces:  # clip time -> recording time
            _shift(piece, start)
        return pieces

    def _quiet_speech(self, audio: Audio) -> list[tuple[float, float]]:
        """Stretches (start, end seconds) the VAD hears as speech at :data:`HOLE_VAD_THRESHOLD`: quieter speech
        than the decoder is given counts too (the person across the desk)."""
        from faster_whisper.vad import VadOptions

        vad = VadOptions(**{**_vad_parameters(self.options, batched=True),
                            "threshold": min(self.options.vad_threshold, HOLE_VAD_THRESHOLD)})
        rate = audio.sample_rate
        return [(t["start"] / rate, t["end"] / rate) for t in speech_timestamps(audio.samples, vad)]

    def _fill_holes(self, audio: Audio, speech: list[tuple[float, float]], segments: list[AsrSegment],
                    spell: Callable[[str], str]) -> list[AsrSegment]:
        """Decode again the ``speech`` batched decoding returned no words for; add the words found there.

        Two passes. Each hole is decoded in windows of its own (several packed into one Whisper input), first
        with a second of the speech before it for context; a window that opens with the end of a sentence already
        recognised often comes back with that sentence alone, so what is still a hole is decoded once more in
        windows that start at the hole itself."""
        for pad_s in HOLE_PADS_S:
            holes = find_holes(speech, [(w.start, w.end) for seg in segments for w in seg.words])
            if not holes:
                break
            added = self._decode_holes(audio, holes, pad_s, spell)
            logger.info("%d stretches of speech without words decoded again: %d words added", len(holes),
                        sum(len(a.words) for a in added))
            segments = sorted(segments + added, key=lambda seg: seg.start)
        return _merged_where_overlapping(segments)

    def _decode_holes(self, audio: Audio, holes: list[tuple[float, float]], pad_s: float,
                      spell: Callable[[str], str]) -> list[AsrSegment]:
        """The words batched decoding finds in ``holes`` (each padded by ``pad_s``), as new segments."""
        # Short windows: given 19 s of a quiet speaker in one window, batched decoding returned one guessed
        # word; in two windows of 10 s it returned all of it.
        windows = _windows(holes, pad_s=pad_s, max_s=HOLE_WINDOW_S, duration_s=audio.duration_s)
        # Several windows to a Whisper input, back to back, as the first pass packs the VAD's speech: a window
        # padded alone to 30 s would cost the encoder as much as 30 s of speech.
        chunks = _packed(windows, audio.sample_rate)
        options = {**self._decode_options(), "vad_filter": True}
        # faster-whisper computes every input's features (about 1 MB each) before decoding any: a long
        # recording's holes go in groups of whole batches, so memory does not grow with their number.
        group = self.options.batch_size * HOLE_BATCHES_PER_CALL
        pieces = (piece for i in range(0, len(chunks), group)
                  for piece in self.batched.transcribe(
                      audio.samples, batch_size=self.options.batch_size, chunk_length=CHUNK_S,
                      **{**options, "vad_parameters": _known_speech([w for c in chunks[i:i + group] for w in c])})[0])
        added = []
        for piece in pieces:
            if piece.no_speech_prob > 0.6 or piece.avg_logprob < -1.0 or piece.compression_ratio > LOOP_COMPRESSION_RATIO:
                continue  # Whisper's own thresholds for silence, guessing and loops, each enough alone here
            in_holes = [(hole, _word(w, spell)) for w in (piece.words or []) if w.word.strip()
                        for hole in [_hole_of((w.start + w.end) / 2, holes)] if hole is not None]
            # One input holds several holes back to back, and Whisper's segment may run from one into the next
            # ("Yeah," at 18 s and "Yeah," at 62 s): one segment per hole keeps segments in recording order.
            for _, pairs in itertools.groupby(in_holes, key=lambda pair: pair[0]):
                new = [word for _, word in pairs]
                added.append(AsrSegment(start=new[0].start, end=new[-1].end, text=" ".join(w.word for w in new),
                                        words=new))
        return added

    @property
    def name(self) -> str:
        return f"faster-whisper {self.model_dir.name} ({self.device}, {self.compute_type})"

    def transcribe(self, audio: Audio, progress: Callable[[float], None] | None = None) -> AsrResult:
        """Recognise the words of a recording.

        Args:
            audio: the decoded recording (16 kHz mono).
            progress: called with the fraction of audio done, 0..1.

        Returns:
            Segments with words (word text stripped of surrounding spaces) and the language used.

        Raises:
            AsrError: decoding failed.
        """
        opts = self.options
        kwargs = self._decode_options()
        language = kwargs["language"]
        if language and not self.model.model.is_multilingual and language != "en":
            raise ValueError(f"{self.model_dir.name} is English-only; use a multilingual model for {language!r}")
        try:
            speech = self._quiet_speech(audio) if self.batched is not None else []
            slices = slice_bounds(speech, audio.duration_s, SLICE_S) if self.batched is not None else [(0.0, audio.duration_s)]
            result = []
            for lo, hi in slices:
                if self.batched is not None:
                    clip = audio.samples[round(lo * audio.sample_rate):round(hi * audio.sample_rate)]
                    segments, info = self.batched.transcribe(clip, batch_size=opts.batch_size, **kwargs)
                    kwargs["language"] = info.language  # detected on the first slice, kept for the rest
                else:
                    segments, info = self.model.transcribe(audio.samples, **kwargs)
                # The generator does the work: consume it here so time and failures belong to this stage.
                spell = british if opts.british_spelling and info.language == "en" else str
                for seg in segments:
                    _shift(seg, lo)
                    for piece in self._redecode(audio, seg.start, seg.end) if self._is_loop(seg) else [seg]:
                        words = [_word(w, spell) for w in (piece.words or []) if w.word.strip()]
                        if words:
                            result.append(AsrSegment(start=round(piece.start, 3), end=round(piece.end, 3),
                                                     text=spell(piece.text.strip()), words=words))
                    if progress:
                        progress(min(1.0, seg.end / max(audio.duration_s, 1e-6)))
                release_freed_memory()  # the slice's features and copies (see memory.py)
            if self.batched is not None:
                result = self._fill_holes(audio, speech, result, spell)
        except (RuntimeError, ValueError) as e:
            raise AsrError(f"speech recognition failed: {e}") from e
        if progress:
            progress(1.0)
        return AsrResult(segments=result, language=info.language)
