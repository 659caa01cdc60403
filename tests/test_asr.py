"""Speech recognition guard against Whisper's repetition loops, on real decoding."""

import numpy as np
from conftest import DATA
from faster_whisper.transcribe import Segment, get_compression_ratio

from transcribe.audio import decode_audio
from transcribe.records import Audio

# What batched Whisper base made of tests/data/loop_prone.ogg on some runs: the appointment line repeated to the
# end of the 30 s window, swallowing the two replies after it. Batched decoding has no temperature fallback.
LOOPING = "Let's book you in for next Wednesday, " + "then I'll see you in the next Wednesday, " * 8


def _segment(text: str) -> Segment:
    return Segment(id=1, seek=0, start=0.0, end=12.0, text=text, tokens=[], avg_logprob=-0.3,
                   compression_ratio=get_compression_ratio(text), no_speech_prob=0.0, words=None, temperature=0.0)


def test_a_looping_chunk_is_recognised_by_its_compression_ratio(pipeline):
    recogniser = pipeline.recogniser
    assert recogniser._is_loop(_segment(LOOPING))
    assert not recogniser._is_loop(_segment("Let's book you in for next Wednesday, a bit sooner than usual."))


def test_a_looping_chunk_decoded_again_keeps_every_utterance_at_recording_time(pipeline):
    clip = decode_audio(DATA / "loop_prone.ogg")
    audio = Audio(np.concatenate([np.zeros(2 * clip.sample_rate, np.float32), clip.samples]), clip.sample_rate)
    pieces = pipeline.recogniser._redecode(audio, 2.0, audio.duration_s)
    text = " ".join(p.text for p in pieces).lower()
    assert text.count("wednesday") <= 2 and "take care of yourself" in text
    words = [w for p in pieces for w in p.words]
    assert 2.0 <= words[0].start and words[-1].end <= audio.duration_s + 0.1
