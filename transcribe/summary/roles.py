"""Who is the officer? Speaker roles from what each speaker says, with a confidence.

The officer asks most of the questions, opens and closes the session, and talks about licence conditions,
appointments and what happened "since I last saw you". An interpreter relays ("he says..."), a family
member speaks about the person ("my son"). Pure functions over records.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from ..records import Segment, Speaker, Transcript
from .text import asks, sentences

OFFICER = "officer"
PERSON_ON_PROBATION = "person_on_probation"
INTERPRETER = "interpreter"
FAMILY_MEMBER = "family_member"
OTHER = "other"
ROLES = (OFFICER, PERSON_ON_PROBATION, INTERPRETER, FAMILY_MEMBER, OTHER)

_OFFICER_CUES = re.compile(
    r"\b(?:since (?:i|we) (?:last )?(?:saw|spoke)|last time (?:i|we) (?:saw|spoke)|how have you been|"
    r"how(?:'s| is| are) (?:things|everything|you)|your licence|licence conditions?|your (?:order|curfew|tag|"
    r"supervision|sentence plan|unpaid work|hours)|next appointment|i'll (?:see you|book|refer|ring|call|"
    r"email|send|speak|check|make|put|chase|contact|write|look)|i need to (?:check|ask|remind|record|make)|"
    r"i have to (?:ask|remind|record)|for (?:my|the) (?:notes|records?|recording)|i'm recording|"
    r"breach|recall(?:ed)?|enforcement|approved premises|risk|safeguarding|referral|have you (?:used|been|had)|"
    r"are you (?:still|using|drinking|working)|did you (?:manage|get|go)|let's|we agreed|we talked about|"
    r"can you (?:tell|confirm|give)|any concerns|see you (?:on|next))\b", re.I)
_PERSON_CUES = re.compile(
    r"\b(?:i've been|i have been|i was|i'm (?:trying|struggling|not|doing|still|going|on)|i didn't|i did|"
    r"sorry i'm late|my (?:mum|dad|partner|girlfriend|boyfriend|kids?|son|daughter|mate|worker|landlord)|"
    r"i (?:need|want|can't|couldn't|haven't|don't)|i'll try|i will|i promise|honestly)\b", re.I)
_INTERPRETER_CUES = re.compile(r"\b(?:(?:he|she|they) (?:says?|said|is saying)|interpret|translat)\w*", re.I)
_FAMILY_CUES = re.compile(r"\b(?:my (?:son|daughter|brother|sister|husband|wife|partner) (?:is|has|was|won't|"
                          r"doesn't|needs)|as (?:his|her) (?:mum|mother|dad|father|partner))\b", re.I)


_MIN_ANSWERED = 5  # questions answered before the turn-taking is trusted to judge the split
_ANSWERED_ELSEWHERE = 0.9  # share of answered questions answered in another voice where voices are well apart
_DOUBTFUL = 0.8  # below this share of talk likely in its right voice, the note says the split is doubtful


def _features(segments: list[Segment], speaker: str) -> dict[str, float]:
    own = [s for s in segments if s.speaker == speaker]
    words = sum(len(s.text.split()) for s in own) or 1
    questions = sum(s.text.count("?") for s in own)
    return {
        "questions": questions / max(len(own), 1),
        "officer_cues": len(_OFFICER_CUES.findall(" ".join(s.text for s in own))) * 100 / words,
        "person_cues": len(_PERSON_CUES.findall(" ".join(s.text for s in own))) * 100 / words,
        "interpreter_cues": len(_INTERPRETER_CUES.findall(" ".join(s.text for s in own))) * 100 / words,
        "family_cues": len(_FAMILY_CUES.findall(" ".join(s.text for s in own))) * 100 / words,
        "opens": float(bool(segments) and segments[0].speaker == speaker),
        "closes": float(bool(segments) and segments[-1].speaker == speaker),
        "utterances": len(own),
    }


def _officer_score(f: dict[str, float]) -> float:
    return 2.0 * f["questions"] + 0.6 * f["officer_cues"] - 0.4 * f["person_cues"] + 0.5 * f["opens"] + 0.3 * f["closes"]


def assign_roles(transcript: Transcript) -> list[Speaker]:
    """Speakers with ``role`` and ``role_confidence`` (0.5 = a coin toss, 1.0 = certain) filled in.

    Roles already set by a person (relabelled) are kept as they are.
    """
    speakers = [s for s in transcript.speakers]
    talking = [s for s in speakers if any(seg.speaker == s.id for seg in transcript.segments)]
    if not talking:
        return speakers
    if len(talking) == 1 and looks_like_dialogue(transcript.segments):
        # One voice found in what is plainly a conversation: the speakers were not separated, so no role is
        # known (the note says so) rather than "officer" for everything.
        return [s if s.role_source == "person" or s.id != talking[0].id
                else replace(s, role=None, role_confidence=0.0, role_source="auto") for s in speakers]
    # However sure the cues are, roles are only as right as the split of voices they are read from.
    split = _split_confidence(*answers_in_another_voice(transcript.segments))
    features = {s.id: _features(transcript.segments, s.id) for s in talking}
    scores = {sid: _officer_score(f) for sid, f in features.items()}
    ranked = sorted(talking, key=lambda s: (-scores[s.id], -s.talk_time_s))
    result = {}
    officer = ranked[0]
    runner_up = scores[ranked[1].id] if len(ranked) > 1 else scores[officer.id] - 2.0
    result[officer.id] = (OFFICER, _confidence(scores[officer.id] - runner_up))
    others = sorted(ranked[1:], key=lambda s: -s.talk_time_s)
    for i, s in enumerate(others):
        f = features[s.id]
        if f["interpreter_cues"] >= 1.0:
            result[s.id] = (INTERPRETER, _confidence(f["interpreter_cues"] - 0.5))
        elif f["family_cues"] >= 1.0 and i > 0:
            result[s.id] = (FAMILY_MEMBER, _confidence(f["family_cues"] - 0.5))
        elif i == 0:
            result[s.id] = (PERSON_ON_PROBATION, result[officer.id][1])
        else:
            result[s.id] = (OTHER, 0.5)
    return [s if s.role_source == "person" or s.id not in result
            else replace(s, role=result[s.id][0], role_confidence=round(min(result[s.id][1], split), 2),
                         role_source="auto")
            for s in speakers]


def looks_like_dialogue(segments: list[Segment]) -> bool:
    """Questions among the utterances (at least one, and one in 30; a "?" or a question's opening words when
    the recogniser left out punctuation), as in an interview; a dictated note has almost none."""
    questions = sum("?" in s.text or asks(s.text) for s in segments)
    return len(segments) >= 2 and questions >= max(1, len(segments) / 30)


def answers_in_another_voice(segments: list[Segment]) -> tuple[int, int]:
    """How well the split of voices fits the turn-taking: of the questions answered (a sentence that opens as
    a question and ends with "?", followed by a sentence that is no question), how many answers came in
    another voice, and how many questions were answered. Tags ("..., yeah?") are not counted as questions.

    Where two voices were taken apart well nearly every answer is in another voice; where diarisation
    split one conversation at random, or kept a question and its answer in one "speaker", half or fewer are.
    """
    said = [(seg.speaker, sentence) for seg in segments for sentence in sentences(seg.text)]
    pairs = [(speaker, said[k + 1][0]) for k, (speaker, sentence) in enumerate(said[:-1])
             if sentence.endswith("?") and asks(sentence) and not said[k + 1][1].endswith("?")]
    return sum(asker != answerer for asker, answerer in pairs), len(pairs)


def _split_confidence(in_another_voice: int, answered: int) -> float:
    """The share of talk likely given to the right voice, from :func:`answers_in_another_voice` (1.0 below
    ``_MIN_ANSWERED`` answered questions: too few to judge).

    If each sentence is in its right voice with probability r, independently, a question and its answer are
    in different voices with probability r² + (1 - r)²; times the share a good split shows (an officer also
    goes on after their own question: ``_ANSWERED_ELSEWHERE``), solved for r.
    """
    if answered < _MIN_ANSWERED:
        return 1.0
    ratio = min(1.0, in_another_voice / answered / _ANSWERED_ELSEWHERE)
    return 0.5 + 0.5 * math.sqrt(max(0.0, 2 * ratio - 1))


def speakers_poorly_separated(transcript: Transcript) -> tuple[int, int] | None:
    """``(questions answered in the asker's own voice, questions answered)`` where that makes the split of
    voices doubtful (under ``_DOUBTFUL`` of talk likely in its right voice), else ``None``."""
    talking = {seg.speaker for seg in transcript.segments}
    if len(talking) < 2 or any(s.role_source == "person" for s in transcript.speakers if s.id in talking):
        return None
    elsewhere, answered = answers_in_another_voice(transcript.segments)
    return (answered - elsewhere, answered) if _split_confidence(elsewhere, answered) < _DOUBTFUL else None


def speakers_not_separated(transcript: Transcript) -> bool:
    """Whether diarisation found a single voice in a conversation, so that roles are unknown."""
    talking = {seg.speaker for seg in transcript.segments}
    return len(talking) == 1 and not any(s.role for s in transcript.speakers if s.id in talking) \
        and looks_like_dialogue(transcript.segments)


def _confidence(margin: float) -> float:
    return 1.0 / (1.0 + math.exp(-2.0 * margin))


def relabel(transcript: Transcript, speaker_id: str, role: str | None = None, name: str | None = None) -> Transcript:
    """A copy of ``transcript`` with one speaker's role and/or name set by a person (confidence 1).

    Raises:
        ValueError: unknown speaker or role.
    """
    if role is not None and role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    if speaker_id not in {s.id for s in transcript.speakers}:
        raise ValueError(f"no speaker {speaker_id!r} in this transcript; speakers are "
                         f"{[s.id for s in transcript.speakers]}")
    speakers = [replace(s, role=role if role is not None else s.role, name=name if name is not None else s.name,
                        role_confidence=1.0 if role is not None else s.role_confidence,
                        role_source="person" if role is not None else s.role_source)
                if s.id == speaker_id else s for s in transcript.speakers]
    return replace(transcript, speakers=speakers)
