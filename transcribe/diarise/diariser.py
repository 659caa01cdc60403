"""Speaker diarisation with pyannote.audio's ``SpeakerDiarization`` pipeline, fully offline.

Segmentation is pyannote/segmentation-3.0 and speaker embeddings are CAM++ (both from the local model
cache, see :mod:`transcribe.models`), clustered with pyannote's agglomerative clustering. No PLDA or hub
checkpoint is involved.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import runtime  # noqa: F401  (offline switches and import order; before pyannote)
from ..errors import DiarisationError
from ..memory import release_freed_memory
from ..models import resolve_model_dir
from ..options import DiariseOptions, SpeakerHints
from ..records import Audio, SpeakerTurn

logger = logging.getLogger(__name__)

SEGMENTATION_MODEL = "pyannote-segmentation-3.0"
EMBEDDING_MODEL = "campplus"
DIARISATION_NAME = "pyannote.audio 4.0.7 SpeakerDiarization (segmentation-3.0 + CAM++, agglomerative)"


@dataclass
class Diarisation:
    """Diarisation output: raw turns (may overlap), exclusive turns (one speaker at a time), and each
    speaker's voice embedding (CAM++ centroid, 192 floats) for voice profiles."""

    turns: list[SpeakerTurn]
    exclusive_turns: list[SpeakerTurn]
    embeddings: dict[str, list[float]] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        return sorted({t.speaker for t in self.turns})


def _allow_missing_plda() -> None:
    """Let ``SpeakerDiarization`` be built without a PLDA.

    Its constructor loads a PLDA unconditionally (``get_plda``), though only VBx clustering uses it and
    ``get_plda(None)`` raises. We use agglomerative clustering, so ``None`` is passed through.
    """
    from pyannote.audio.pipelines import speaker_diarization

    original = speaker_diarization.get_plda
    if getattr(original, "_allows_none", False):
        return

    def get_plda(plda, *args, **kwargs):
        return None if plda is None else original(plda, *args, **kwargs)

    get_plda._allows_none = True
    speaker_diarization.get_plda = get_plda


# Frames binarised at a time: the speakers of every frame are ranked block by block, never all at once.
_RANK_BLOCK_FRAMES = 1 << 16


@functools.cache
def _speaker_diarization_class():
    """pyannote's ``SpeakerDiarization`` with a lean reconstruction: the same diarisation, a fraction of the
    memory and time on long recordings.

    pyannote builds the clustered segmentation, (chunks x 589 frames x clusters), as ``np.nan * np.zeros``
    (two float64 arrays of that size at once: about 280 MB each for two hours at a 3 s hop with 25 voices),
    then sums it into (frames x clusters) arrays of activations, overlap counts and masks, ranks every frame's
    speakers at once (an int64 array) and marks the top ones in a Python loop over frames. Here each chunk's
    clustered activations are added straight into the one array of activations (pyannote's sum in its order
    and precision; its counts and masks change nothing when missing values are 0), and the ranking and marking
    go block by block, vectorised, with pyannote's own ``argsort``: the same 0/1 output (test), without the
    chunk-sized array or the whole-file ranking.
    """
    from pyannote.audio.pipelines import SpeakerDiarization
    from pyannote.core import SlidingWindow, SlidingWindowFeature

    class LeanSpeakerDiarization(SpeakerDiarization):
        def reconstruct(self, segmentations, hard_clusters, count):
            chunks = segmentations.sliding_window
            num_chunks, frames_per_chunk, _ = segmentations.data.shape
            frames = SlidingWindow(start=chunks.start, duration=count.sliding_window.duration,
                                   step=count.sliding_window.step)
            num_frames = frames.closest_frame(chunks.start + chunks.duration + (num_chunks - 1) * chunks.step
                                              + 0.5 * frames.duration) + 1
            activations = np.zeros((num_frames, np.max(hard_clusters) + 1), dtype=np.float32)
            for c, (cluster, segmentation) in enumerate(zip(hard_clusters, segmentations.data, strict=True)):
                first = frames.closest_frame(chunks[c].start + 0.5 * frames.duration)
                for k in np.unique(cluster):
                    if k != -2:  # -2: an inactive local speaker
                        # float64 like pyannote's sum, stored in float32 like its output
                        activations[first:first + frames_per_chunk, k] += np.max(
                            segmentation[:, cluster == k], axis=1).astype(np.float64)
            return _mark_top_speakers(SlidingWindowFeature(activations, frames), count)

    def _mark_top_speakers(activations, count):
        """pyannote's ``to_diarization`` after its aggregation: each frame's ``count`` most active speakers."""
        num_speakers = activations.data.shape[1]
        most = int(np.max(count.data))
        if num_speakers < most:
            activations.data = np.pad(activations.data, ((0, 0), (0, most - num_speakers)))
        extent = activations.extent & count.extent
        activations = activations.crop(extent, return_data=False)
        count = count.crop(extent, return_data=False)
        binary = np.zeros_like(activations.data)
        ranks = np.arange(binary.shape[1])
        marked = min(len(binary), len(count.data))  # pyannote zips the two
        for lo in range(0, marked, _RANK_BLOCK_FRAMES):
            order = np.argsort(-activations.data[lo:min(lo + _RANK_BLOCK_FRAMES, marked)], axis=-1)
            wanted = ranks[None, :] < count.data[lo:lo + len(order)].reshape(-1, 1)
            rows = np.broadcast_to(np.arange(lo, lo + len(order))[:, None], order.shape)
            binary[rows[wanted], order[wanted]] = 1.0
        return SlidingWindowFeature(binary, activations.sliding_window)

    return LeanSpeakerDiarization


def resolve_torch_device(device: str):
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but torch sees no CUDA device; use 'auto' or 'cpu'")
    return torch.device(device)


class Diariser:
    """A loaded diarisation pipeline. Build once per process, call :meth:`diarise` per recording."""

    name = DIARISATION_NAME

    def __init__(self, model_root: Path, options: DiariseOptions | None = None):
        self.options = options or DiariseOptions()
        _allow_missing_plda()

        from .campplus import CamPlusPlusEmbedding
        from .segmentation import load_segmentation

        segmentation = load_segmentation(resolve_model_dir(model_root, SEGMENTATION_MODEL, "segmentation"))
        embedding = CamPlusPlusEmbedding(resolve_model_dir(model_root, EMBEDDING_MODEL, "embedding"))

        step = self.options.segmentation_step
        self.pipeline = _speaker_diarization_class()(
            segmentation=segmentation,
            segmentation_step=step,
            embedding=embedding,
            plda=None,
            clustering="AgglomerativeClustering",
            embedding_batch_size=32,
            segmentation_batch_size=32,
        )
        self.pipeline.instantiate({
            "segmentation": {"min_duration_off": 0.0},
            "clustering": {
                "method": "centroid",
                "threshold": self.options.clustering_threshold,
                # Clusters smaller than this many (chunk, speaker) embeddings are merged into larger ones;
                # ~1.2 s of chunk hop keeps spurious one-off clusters out whatever the step is.
                "min_cluster_size": max(1, round(1.2 / step)),
            },
        })
        self.pipeline.to(resolve_torch_device(self.options.device))

    def diarise(self, audio: Audio, hook: Callable | None = None, hints: SpeakerHints | None = None) -> Diarisation:
        """Find who spoke when.

        Args:
            audio: the decoded recording (16 kHz mono).
            hook: optional pyannote progress hook ``hook(step_name, artefact, completed=, total=)``.
            hints: what is known about this recording's speakers (count or bounds).

        Returns:
            Raw and exclusive speaker turns, speakers labelled ``SPEAKER_00``, ``SPEAKER_01``... in
            order of first appearance.

        Raises:
            DiarisationError: pyannote failed on this input.
        """
        import torch

        num, lo, hi = (hints or SpeakerHints()).applied_to(self.options)
        waveform = torch.from_numpy(np.ascontiguousarray(audio.samples, dtype=np.float32)).unsqueeze(0)

        def hook_releasing_memory(step_name, artefact, *args, **kwargs):
            # Every embedding batch leaves tens of MB of freed buffers in malloc's arenas (see memory.py).
            if step_name == "embeddings":
                release_freed_memory()
            if hook is not None:
                hook(step_name, artefact, *args, **kwargs)

        try:
            with warnings.catch_warnings():
                # pyannote warns when the found count is outside the bounds on very short inputs; we log it.
                warnings.simplefilter("ignore")
                output = self.pipeline(
                    {"waveform": waveform, "sample_rate": audio.sample_rate, "uri": "recording"},
                    num_speakers=num, min_speakers=lo, max_speakers=hi, hook=hook_releasing_memory)
        except Exception as e:
            raise DiarisationError(f"speaker diarisation failed: {type(e).__name__}: {e}") from e
        turns = _to_turns(output.speaker_diarization)
        exclusive = _to_turns(output.exclusive_speaker_diarization)
        embeddings = {}
        if output.speaker_embeddings is not None:
            # Rows follow the order of the annotation's labels.
            for row, label in enumerate(output.speaker_diarization.labels()):
                if row < len(output.speaker_embeddings) and np.isfinite(output.speaker_embeddings[row]).all():
                    embeddings[str(label)] = [round(float(x), 6) for x in output.speaker_embeddings[row]]
        return _relabel_by_first_appearance(Diarisation(turns, exclusive, embeddings))


def _to_turns(annotation) -> list[SpeakerTurn]:
    return [
        SpeakerTurn(start=round(float(seg.start), 3), end=round(float(seg.end), 3), speaker=str(label))
        for seg, _, label in annotation.itertracks(yield_label=True)
    ]


def _relabel_by_first_appearance(result: Diarisation) -> Diarisation:
    order: dict[str, str] = {}
    for turn in sorted(result.turns, key=lambda t: (t.start, t.end)):
        order.setdefault(turn.speaker, f"SPEAKER_{len(order):02d}")

    def rename(turns):
        return sorted((SpeakerTurn(t.start, t.end, order.get(t.speaker, t.speaker)) for t in turns),
                      key=lambda t: (t.start, t.end, t.speaker))

    return Diarisation(rename(result.turns), rename(result.exclusive_turns),
                       {order.get(k, k): v for k, v in result.embeddings.items()})
