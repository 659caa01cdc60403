"""The diariser's own change to pyannote: its reconstruction in float32 must give pyannote's diarisation."""

from __future__ import annotations

import copy

from transcribe.audio import decode_audio
from transcribe.diarise import Diariser
from transcribe.options import DiariseOptions


def test_lean_reconstruction_diarises_real_speech_as_pyannote_does(model_root, two_speaker_wav):
    from pyannote.audio.pipelines import SpeakerDiarization

    diariser = Diariser(model_root, DiariseOptions(device="cpu"))
    assert type(diariser.pipeline).reconstruct is not SpeakerDiarization.reconstruct
    audio = decode_audio(two_speaker_wav)
    lean = diariser.diarise(audio)
    diariser.pipeline.reconstruct = lambda *args: SpeakerDiarization.reconstruct(diariser.pipeline, *args)
    stock = diariser.diarise(audio)
    assert len(lean.speakers) == 2 and lean.turns
    assert lean.turns == stock.turns
    assert lean.exclusive_turns == stock.exclusive_turns


def test_lean_reconstruction_marks_the_same_frames_with_many_speakers_and_ties(model_root, two_speaker_wav):
    """pyannote's own intermediate values on real speech, then the same segmentation given to many clusters at
    random (ties between speakers in most frames) with up to three speakers a frame: the same 0/1 array."""
    import numpy as np
    from pyannote.audio.pipelines import SpeakerDiarization

    diariser = Diariser(model_root, DiariseOptions(device="cpu"))
    captured = []
    lean_reconstruct = diariser.pipeline.reconstruct
    diariser.pipeline.reconstruct = lambda *args: captured.append(args) or lean_reconstruct(*args)
    diariser.diarise(decode_audio(two_speaker_wav))
    segmentations, hard_clusters, count = captured[0]
    rng = np.random.default_rng(0)
    cases = [(hard_clusters, count)]
    for clusters in (3, 7, 12):
        shuffled = rng.integers(-2, clusters, size=hard_clusters.shape)
        shuffled[shuffled == -1] = 0
        shuffled.flat[0] = clusters - 1  # every cluster number up to the last is used somewhere
        noisy = copy.deepcopy(count)
        noisy.data = rng.integers(0, 4, size=count.data.shape).astype(np.int8)
        cases.append((shuffled, noisy))
    for clusters_of_chunks, speakers_per_frame in cases:
        lean = lean_reconstruct(segmentations, clusters_of_chunks, speakers_per_frame)
        stock = SpeakerDiarization.reconstruct(diariser.pipeline, segmentations, clusters_of_chunks, speakers_per_frame)
        assert lean.data.dtype == np.float32 and lean.data.shape == stock.data.shape
        assert np.array_equal(lean.data, stock.data.astype(np.float32))
        window = (lean.sliding_window.start, lean.sliding_window.duration, lean.sliding_window.step)
        assert window == (stock.sliding_window.start, stock.sliding_window.duration, stock.sliding_window.step)
