"""Speech recognition guards against Whisper's repetition loops and skipped speech, on real decoding."""

import numpy as np
import pytest
from conftest import DATA, SAMPLES
from faster_whisper.transcribe import Segment, get_compression_ratio

from transcribe.asr import _merged_where_overlapping, _windows, find_holes, slice_bounds
from transcribe.audio import decode_audio
from transcribe.records import AsrSegment, Audio, Word

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


def test_holes_are_speech_no_word_touches():
    speech = [(0.0, 10.0), (12.0, 13.0)]
    words = [(0.5, 0.9), (1.0, 1.4), (6.0, 6.5)]
    # 1.6-5.8 s and 6.7-10 s hold no word (0.2 s of slack on each word); 12-13 s is too short to count.
    holes = find_holes(speech, words, min_s=1.5)
    assert [round(t, 3) for hole in holes for t in hole] == [1.6, 5.8, 6.7, 10.0]
    assert find_holes(speech, [(0.0, 10.0)], min_s=1.5) == []


def test_holes_become_decoding_windows_that_leave_none_out():
    # Close holes share a window; a 70 s hole is cut into equal windows of at most 30 s that cover all of it.
    windows = _windows([(10.0, 12.0), (13.0, 15.0), (100.0, 170.0)], pad_s=1.0, max_s=30.0, duration_s=200.0)
    assert windows[0] == (9.0, 16.0)
    rest = windows[1:]
    assert len(rest) == 3 and all(b - a == pytest.approx(24.0) for a, b in rest)
    assert rest[0][0] == 99.0 and rest[-1][1] == 171.0 and all(a[1] == b[0] for a, b in zip(rest, rest[1:], strict=False))
    # A window exactly max_s long is not cut.
    assert _windows([(41.0, 49.0)], pad_s=1.0, max_s=10.0, duration_s=60.0) == [(40.0, 50.0)]


def test_speech_after_a_read_sentence_is_not_lost(pipeline):
    """Batched decoding put the JFK sentence and the meeting after it in one 30 s window and stopped after the
    sentence, dropping about 45 of the meeting's 62 words; the stretch without words is decoded again."""
    jfk, meeting = decode_audio(DATA / "jfk.wav"), decode_audio(SAMPLES / "ami_ES2003a_0000-0030.wav")
    gap = np.zeros(int(0.8 * jfk.sample_rate), np.float32)
    audio = Audio(np.concatenate([jfk.samples, gap, meeting.samples]), jfk.sample_rate)
    result = pipeline.recogniser.transcribe(audio)
    meeting_words = [w for s in result.segments for w in s.words if w.start >= jfk.duration_s + 0.8]
    assert len(meeting_words) >= 40, [w.word for w in meeting_words]


def test_the_vad_read_in_windows_finds_the_same_speech(monkeypatch):
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    import transcribe.asr as asr

    audio = decode_audio(DATA / "jfk.wav")
    options = VadOptions(threshold=0.3, min_silence_duration_ms=160)
    whole = get_speech_timestamps(audio.samples, options)
    monkeypatch.setattr(asr, "VAD_WINDOW_S", 3)  # four windows over 11 s
    windowed = asr.speech_timestamps(audio.samples, options)
    assert all(a["end"] <= b["start"] for a, b in zip(windowed, windowed[1:], strict=False))  # in order, at recording offsets

    def seconds(found):
        return sum(t["end"] - t["start"] for t in found) / audio.sample_rate

    assert abs(seconds(windowed) - seconds(whole)) < 0.1 * seconds(whole)
    assert windowed[-1]["end"] > 9 * audio.sample_rate  # the last window's speech is placed at its own time


def test_long_recordings_are_cut_into_slices_in_pauses():
    speech = [(0.0, 50.0), (52.0, 58.0), (58.2, 95.0), (97.0, 130.0)]
    # At most 60 s a slice, cut in the widest pause of the 20 s before the limit (50-52 s); then at 95-97 s.
    assert slice_bounds(speech, 130.0, slice_s=60.0, search_s=20.0) == [(0.0, 51.0), (51.0, 96.0), (96.0, 130.0)]
    # No pause near the limit: cut at the limit. A recording shorter than a slice is one slice.
    assert slice_bounds([(0.0, 130.0)], 130.0, slice_s=60.0, search_s=20.0) == [(0.0, 60.0), (60.0, 120.0), (120.0, 130.0)]
    assert slice_bounds(speech, 40.0, slice_s=60.0) == [(0.0, 40.0)]
    # A search reaching back past the slice's start never cuts before it.
    assert slice_bounds(speech, 130.0, slice_s=20.0, search_s=60.0)[:3] == [(0.0, 20.0), (20.0, 40.0), (40.0, 51.0)]


def test_a_recording_decoded_in_slices_keeps_its_words_at_recording_time(pipeline, monkeypatch):
    import transcribe.asr as asr

    jfk, meeting = decode_audio(DATA / "jfk.wav"), decode_audio(SAMPLES / "ami_ES2003a_0000-0030.wav")
    gap = np.zeros(int(1.5 * jfk.sample_rate), np.float32)
    audio = Audio(np.concatenate([meeting.samples, gap, jfk.samples, gap, meeting.samples]), jfk.sample_rate)
    whole = [w for s in pipeline.recogniser.transcribe(audio).segments for w in s.words]
    monkeypatch.setattr(asr, "SLICE_S", 20)  # four slices of about 20 s over 74 s
    sliced = [w for s in pipeline.recogniser.transcribe(audio).segments for w in s.words]
    assert all(a.start <= b.start for a, b in zip(sliced, sliced[1:], strict=False))
    assert sliced[-1].end > audio.duration_s - 5 and sliced[0].start < 5
    jfk_at = meeting.duration_s + 1.5
    assert "country" in " ".join(w.word.lower() for w in sliced if jfk_at <= w.start <= jfk_at + jfk.duration_s)
    assert abs(len(sliced) - len(whole)) <= 0.15 * len(whole), (len(sliced), len(whole))


def test_holes_decoded_a_few_batches_at_a_time_find_the_same_words(pipeline, monkeypatch):
    """Hole windows go to faster-whisper packed into Whisper inputs, in groups of whole batches of inputs (it
    computes every input's features before decoding any); the groups must find what one call over all finds."""
    import transcribe.asr as asr

    meeting = decode_audio(SAMPLES / "ami_ES2003a_0000-0030.wav")
    holes = [(t, t + 1.6) for t in np.arange(0.5, meeting.duration_s - 2, 2.5)]  # 12 windows of 2 s
    monkeypatch.setattr(asr, "CHUNK_S", 4)  # two windows to an input: six inputs, two batches of 4
    recogniser = pipeline.recogniser

    def words(batches_per_call):
        monkeypatch.setattr(asr, "HOLE_BATCHES_PER_CALL", batches_per_call)
        return [(w.word, w.start, w.end) for seg in recogniser._decode_holes(meeting, holes, 0.2, str) for w in seg.words]

    in_one_call, in_groups = words(100), words(1)
    assert len(in_one_call) >= 10
    # faster-whisper maps times back through each call's own timeline, rounded to 10 ms
    assert [w for w, _, _ in in_groups] == [w for w, _, _ in in_one_call]
    assert np.allclose([t for _, a, b in in_groups for t in (a, b)], [t for _, a, b in in_one_call for t in (a, b)],
                       atol=0.015)


def test_hole_windows_are_packed_back_to_back_into_whisper_inputs():
    """As faster-whisper's ``collect_chunks`` packs speech: in order, none overlapping the one before, a new input
    when the next window would take this one past 30 s."""
    from transcribe.asr import _packed

    windows = [(0.0, 10.0), (9.0, 19.0), (20.0, 30.0), (40.0, 50.0), (50.0, 50.0)]
    assert _packed(windows, 100) == [
        [{"start": 0, "end": 1000}, {"start": 1000, "end": 1900}, {"start": 2000, "end": 3000}],  # 29 s
        [{"start": 4000, "end": 5000}],
    ]
    assert _packed([], 16000) == []


def test_words_found_again_inside_a_segment_take_their_place_in_it():
    def segment(*words):
        ws = [Word(t, t + 0.3, w, 0.9) for w, t in words]
        return AsrSegment(ws[0].start, ws[-1].end, " ".join(w for w, _ in words), ws)

    first, found_again, later = segment(("smoke", 60.3), ("it?", 60.4), ("go", 63.3)), segment(("Yeah,", 62.2)), \
        segment(("and", 64.7))
    merged = _merged_where_overlapping([first, found_again, later])
    assert [s.text for s in merged] == ["smoke it? Yeah, go", "and"]
    assert (merged[0].start, merged[0].end) == (60.3, pytest.approx(63.6))
    words = [w for s in merged for w in s.words]
    assert [w.start for w in words] == sorted(w.start for w in words)
