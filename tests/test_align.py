"""Alignment of words to speakers and utterance building, on small hand-made inputs."""

from transcribe.align import assign_speakers, build_utterances, speaker_talk_times
from transcribe.options import AlignOptions
from transcribe.records import AsrSegment, SpeakerTurn, Word


def w(start, end, text, p=0.9):
    return Word(start, end, text, p)


def test_word_gets_speaker_with_most_overlap():
    turns = [SpeakerTurn(0.0, 1.2, "A"), SpeakerTurn(1.2, 3.0, "B")]
    words = assign_speakers([w(1.0, 1.6, "straddles")], turns)
    assert words[0].speaker == "B"  # 0.4 s with B beats 0.2 s with A


def test_word_outside_every_turn_gets_nearest_speaker():
    turns = [SpeakerTurn(0.0, 1.0, "A"), SpeakerTurn(5.0, 6.0, "B")]
    assert assign_speakers([w(4.2, 4.5, "late")], turns)[0].speaker == "B"
    assert assign_speakers([w(1.3, 1.5, "early")], turns)[0].speaker == "A"


def test_no_turns_at_all_falls_back_to_one_speaker():
    assert assign_speakers([w(0.0, 0.5, "hello")], [])[0].speaker == "SPEAKER_00"


def test_utterances_split_on_speaker_change_and_long_pause():
    seg = AsrSegment(0.0, 9.0, "", [w(0.0, 0.5, "Hello."), w(0.6, 1.0, "Hi."), w(1.1, 1.5, "How"),
                                     w(1.6, 2.0, "are"), w(5.0, 5.5, "you?")])
    turns = [SpeakerTurn(0.0, 0.55, "A"), SpeakerTurn(0.55, 1.05, "B"), SpeakerTurn(1.05, 6.0, "A")]
    utts = build_utterances([seg], turns, turns, AlignOptions(max_pause_s=1.5))
    assert [(u.speaker, u.text) for u in utts] == [("A", "Hello."), ("B", "Hi."), ("A", "How are"), ("A", "you?")]
    assert all(u.redacted_text == u.text for u in utts)
    assert all(wd.speaker == u.speaker for u in utts for wd in u.words)


def test_long_monologue_splits_at_a_sentence_end_after_the_limit():
    words = [w(i * 0.5, i * 0.5 + 0.4, f"w{i}." if i % 10 == 9 else f"w{i}") for i in range(100)]
    turns = [SpeakerTurn(0.0, 60.0, "A")]
    utts = build_utterances([AsrSegment(0, 50, "", words)], turns, turns, AlignOptions(max_utterance_s=10.0))
    assert len(utts) > 1
    assert all(u.text.endswith(".") for u in utts[:-1])
    assert sum(len(u.words) for u in utts) == 100


def test_overlap_is_marked_only_where_two_speakers_talk_at_once():
    raw = [SpeakerTurn(0.0, 2.0, "A"), SpeakerTurn(1.5, 3.0, "B")]
    exclusive = [SpeakerTurn(0.0, 1.5, "A"), SpeakerTurn(1.5, 3.0, "B")]
    seg = AsrSegment(0, 3, "", [w(0.1, 0.5, "clear"), w(2.2, 2.8, "alone"), w(1.6, 1.9, "overlapped")])
    utts = build_utterances([seg], raw, exclusive)
    by_text = {u.text: u for u in utts}
    assert by_text["clear"].overlap is False
    assert by_text["overlapped alone"].overlap is True


def test_talk_time_merges_overlapping_turns_of_one_speaker():
    turns = [SpeakerTurn(0.0, 2.0, "A"), SpeakerTurn(1.0, 3.0, "A"), SpeakerTurn(4.0, 5.0, "B")]
    speakers = {s.id: s.talk_time_s for s in speaker_talk_times(turns, [])}
    assert speakers == {"A": 3.0, "B": 1.0}
