"""The diariser's own change to pyannote: its reconstruction in float32 must give pyannote's diarisation."""

from __future__ import annotations

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
