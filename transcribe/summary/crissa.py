"""The CRISSA supervision note, computed locally and deterministically from the redacted transcript.

Extractive: every point is built from utterances (lightly rewritten, e.g. "I'll ring the housing officer
tomorrow" becomes an officer action with a deadline) and cites their ``[hh:mm:ss]``. Only
``redacted_text`` is read, so nothing here can carry an identifier the redactor removed.

Sections (DESIGN.md): Check-in, Review, Intervention, Summary (matched by the cue phrases below), Set task
(:mod:`.actions`), Appointment (:mod:`.appointment`); plus themes (:mod:`.themes`), risk and safeguarding
flags (:mod:`.risk_flags`) and session facts.
"""

from __future__ import annotations

import re

from ..records import Point, SessionFacts, SpeakerShare, Summary, Transcript
from .actions import extract_actions
from .appointment import describe_appointment, extract_appointment
from .risk_flags import extract_risk_flags
from .roles import OFFICER, PERSON_ON_PROBATION, speakers_not_separated, speakers_poorly_separated
from .text import cite, phrases, role_of, whole_sentences
from .themes import extract_themes

MAX_BULLETS = 4  # points per section
_SAID_BY = {OFFICER: "Officer", PERSON_ON_PROBATION: "Person on probation"}

# -- cue phrases ---------------------------------------------------------------------------------------------
_CHECK_IN = phrases(r"how (?:have|are) you(?: been| doing| feeling)?", r"how(?:'s| is) (?:things|everything|life)",
                r"since (?:i|we) (?:last )?(?:saw|spoke)", r"how(?:'ve| have) things been", r"feeling",
                r"sleep(?:ing)?", r"mood", r"stressed?", r"(?:not )?(?:too )?bad", r"good week", r"rough week")
_REVIEW = phrases(r"last time", r"are you still", r"still (?:working|going|attending|living|seeing|on)", r"did you (?:manage|get|go|make|do|ring|call|see|attend)", r"have you (?:been|managed|"
              r"done|got|rung|called|seen|attended|started|finished)", r"how did (?:it|the \w+) go", r"we agreed",
              r"you said you(?:'d| would)", r"missed", r"attended", r"went to", r"turned up", r"kept to",
              r"curfew", r"tag", r"unpaid work", r"hours")
_INTERVENTION = phrases(r"let's (?:look|talk|go through|do|think|work)", r"today (?:i want|we(?:'re| are) going)",
                    r"work(?:ed)? (?:on|through)", r"worksheet", r"exercise", r"triggers?", r"consequences?",
                    r"what (?:would|could) you do", r"warning signs", r"coping", r"plan (?:for|if)",
                    r"relapse prevention", r"victim", r"budget(?:ing)?", r"thinking skills", r"cycle")
_SUMMARY = phrases(r"so (?:we've|we have) agreed", r"to (?:sum|wrap) (?:up|it up)", r"(?:i'm|i am) (?:a bit )?"
               r"(?:worried|concerned)", r"concern(?:ed|s)?", r"good progress", r"well done", r"doing well",
               r"agreed", r"the plan is", r"overall")

def _section_points(transcript: Transcript, pattern: re.Pattern, used: set[int], part: slice | None = None,
                    answers: bool = True) -> list[Point]:
    """Utterances matching ``pattern`` (officer's prompt plus the reply that follows), as points.

    ``used`` holds utterances already cited by an earlier section; each utterance feeds one section only.
    """
    segments = transcript.segments
    roles = role_of(transcript)
    indices = range(len(segments))[part] if part else range(len(segments))
    points: list[Point] = []
    for i in indices:
        seg = segments[i]
        if i in used or not pattern.search(seg.redacted_text):
            continue
        cited = [i]
        text = whole_sentences(seg.redacted_text, pattern)
        if answers and i + 1 not in used and roles.get(seg.speaker) == OFFICER and seg.redacted_text.rstrip().endswith("?") \
                and i + 1 < len(segments) and roles.get(segments[i + 1].speaker) != OFFICER:
            cited.append(i + 1)
            text = whole_sentences(segments[i + 1].redacted_text)
            prefix = "Reported"
        else:
            prefix = _SAID_BY.get(roles.get(seg.speaker), "A speaker") + " said"
        if len(text.split()) < 3:
            continue
        used.update(cited)
        ts, idx = cite(segments, cited)
        points.append(Point(f"{prefix}: {text}", ts, idx))
        if len(points) >= MAX_BULLETS:
            break
    return points


def summarise(transcript: Transcript, embedder=None, risk_classifier=None) -> Summary:
    """The CRISSA note of a (redacted, role-labelled) transcript.

    Args:
        transcript: with ``redacted_text`` and speaker roles filled in.
        embedder: optional :class:`.embed.SentenceEmbedder` for meaning-based themes.
        risk_classifier: optional :class:`.risk_classifier.RiskClassifier` for risk the cues miss.
    """
    segments = transcript.segments
    actions = extract_actions(transcript)
    appointment = extract_appointment(transcript)
    n = len(segments)
    used: set[int] = set()
    crissa = {
        "check_in": _section_points(transcript, _CHECK_IN, used, slice(0, max(4, n // 3))),
        "review": _section_points(transcript, _REVIEW, used),
        "intervention": _section_points(transcript, _INTERVENTION, used),
        "summary": _section_points(transcript, _SUMMARY, used, slice(n // 2, n), answers=False),
        "set_task": [Point(a.text + (f" (by {a.deadline})" if a.deadline and a.deadline not in a.text else ""),
                           a.timestamps, a.segments) for a in actions],
        "appointment": [Point(describe_appointment(appointment), appointment.timestamps, appointment.segments)]
        if appointment else [],
    }
    total_talk = sum(s.talk_time_s for s in transcript.speakers) or 1.0
    facts = SessionFacts(
        recorded_at=transcript.source.recorded_at, recorded_at_from=transcript.source.recorded_at_from,
        duration_s=transcript.source.duration_s, utterances=n,
        speakers=[SpeakerShare(s.id, s.role, s.talk_time_s, round(s.talk_time_s / total_talk, 3))
                  for s in transcript.speakers])
    notes = [] if n else ["No speech was found in this recording."]
    if speakers_not_separated(transcript):
        notes.append("The speakers could not be separated: the recording sounds like a conversation but one voice "
                     "was found, so who said what (officer or person on probation) is unknown. Risk flags read "
                     "everyone's words; check the owners of actions against the recording.")
    if doubtful := speakers_poorly_separated(transcript):
        own_voice, answered = doubtful
        notes.append(f"The speakers may not have been separated well: {own_voice} of {answered} questions were "
                     "answered in the same voice that asked them, so who said what (officer or person on "
                     "probation) may be wrong in places. Risk flags read everyone's words; check the roles and the "
                     "owners of actions against the recording.")
    risk_flags = extract_risk_flags(transcript, risk_classifier)
    return Summary(crissa, extract_themes(transcript, embedder, risk_flags), actions, appointment, risk_flags, facts,
                   notes=notes)


