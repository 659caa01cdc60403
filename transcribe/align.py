"""Give every recognised word a speaker and group words into utterances.

Pure functions over records: no models, no I/O.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from .options import AlignOptions
from .records import AsrSegment, Segment, Speaker, SpeakerTurn, Word

_SENTENCE_END = (".", "?", "!")
FALLBACK_SPEAKER = "SPEAKER_00"


def _overlap(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    return max(0.0, min(a_end, b_end) - max(a_start, b_start))


class _TurnIndex:
    """Turns sorted by start, for quick 'which turns touch [start, end)' queries."""

    def __init__(self, turns: list[SpeakerTurn]):
        self.turns = sorted(turns, key=lambda t: t.start)
        self.starts = [t.start for t in self.turns]
        self.max_len = max((t.end - t.start for t in self.turns), default=0.0)

    def touching(self, start: float, end: float) -> list[SpeakerTurn]:
        lo = bisect_right(self.starts, start - self.max_len)
        hi = bisect_right(self.starts, end)
        return [t for t in self.turns[lo:hi] if t.end > start and t.start < end]

    def nearest(self, start: float, end: float) -> SpeakerTurn | None:
        mid = (start + end) / 2
        return min(self.turns, key=lambda t: max(t.start - mid, mid - t.end, 0.0), default=None)


def assign_speakers(words: list[Word], exclusive_turns: list[SpeakerTurn]) -> list[Word]:
    """Give each word the speaker whose exclusive turns overlap it most (the nearest turn when none do).

    Exclusive turns (one speaker at a time) are used so a word spoken over someone else goes to the
    dominant speaker rather than flipping between the two. Returns new :class:`Word` records.
    """
    index = _TurnIndex(exclusive_turns)
    assigned = []
    for w in words:
        by_speaker: dict[str, float] = defaultdict(float)
        for t in index.touching(w.start, w.end):
            by_speaker[t.speaker] += _overlap(w.start, w.end, t.start, t.end)
        if by_speaker:
            speaker = max(by_speaker, key=by_speaker.get)
        else:
            nearest = index.nearest(w.start, w.end)
            speaker = nearest.speaker if nearest else FALLBACK_SPEAKER
        assigned.append(Word(w.start, w.end, w.word, w.probability, speaker))
    return assigned


def _overlapped(word: Word, index: _TurnIndex, min_overlap_s: float = 0.05) -> bool:
    """True when two or more speakers' raw turns overlap each other inside the word's span."""
    touching = index.touching(word.start, word.end)
    for i, a in enumerate(touching):
        for b in touching[i + 1:]:
            if a.speaker == b.speaker:
                continue
            start, end = max(a.start, b.start, word.start), min(a.end, b.end, word.end)
            if end - start >= min_overlap_s:
                return True
    return False


def _join(words: list[Word]) -> str:
    return " ".join(w.word for w in words).strip()


def build_utterances(asr_segments: list[AsrSegment], turns: list[SpeakerTurn],
                     exclusive_turns: list[SpeakerTurn], options: AlignOptions | None = None) -> list[Segment]:
    """Turn recognised words and diarisation into speaker-attributed utterances.

    An utterance ends when the speaker changes, when the pause before the next word is longer than
    ``max_pause_s``, or at the first sentence end after ``max_utterance_s``. An utterance is marked
    ``overlap`` when any of its words falls where two speakers talk at once (from the raw turns).

    Args:
        asr_segments: recogniser output, in time order.
        turns: raw diarisation turns (may overlap), used for overlap marks.
        exclusive_turns: one-speaker-at-a-time turns, used to pick each word's speaker.
        options: pause and length limits.

    Returns:
        Utterances in time order; ``redacted_text`` starts equal to ``text``.
    """
    options = options or AlignOptions()
    words = sorted((w for s in asr_segments for w in s.words), key=lambda w: (w.start, w.end))
    words = assign_speakers(words, exclusive_turns or turns)
    raw_index = _TurnIndex(turns)

    utterances: list[Segment] = []
    current: list[Word] = []

    def close():
        if current:
            text = _join(current)
            utterances.append(Segment(
                start=current[0].start, end=current[-1].end, speaker=current[0].speaker, text=text,
                words=list(current), overlap=any(_overlapped(w, raw_index) for w in current),
                redacted_text=text))
            current.clear()

    for w in words:
        if current:
            prev = current[-1]
            too_long = (w.start - current[0].start > options.max_utterance_s
                        and prev.word.endswith(_SENTENCE_END))
            if w.speaker != prev.speaker or w.start - prev.end > options.max_pause_s or too_long:
                close()
        current.append(w)
    close()
    return utterances


def speaker_talk_times(turns: list[SpeakerTurn], segments: list[Segment]) -> list[Speaker]:
    """Total talk time per speaker (union of their diarisation turns), ordered by speaker id.

    Speakers that only appear through word assignment (no diarisation turn) get the duration of their words.
    """
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for t in turns:
        spans[t.speaker].append((t.start, t.end))
    for s in segments:
        if s.speaker not in spans:
            spans[s.speaker].extend((w.start, w.end) for w in s.words)
    speakers = []
    for speaker, intervals in spans.items():
        total, cur_start, cur_end = 0.0, None, None
        for start, end in sorted(intervals):
            if cur_end is None or start > cur_end:
                if cur_end is not None:
                    total += cur_end - cur_start
                cur_start, cur_end = start, end
            else:
                cur_end = max(cur_end, end)
        if cur_end is not None:
            total += cur_end - cur_start
        speakers.append(Speaker(id=speaker, talk_time_s=round(total, 2)))
    return sorted(speakers, key=lambda s: s.id)
