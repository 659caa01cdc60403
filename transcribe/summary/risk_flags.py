"""Risk and safeguarding flags for the supervisor, in two tiers, each citing its utterance(s).

- **disclosed**: a statement the cue catalogue (:mod:`.risk_cues`) reads as a disclosure, or one the learned
  classifier (:mod:`.risk_classifier`) gives a category with probability >= :data:`RISK_CLASSIFIER_THRESHOLD`.
- **possible — check the recording**: the classifier is less sure (>= :data:`POSSIBLE_THRESHOLD`, or a whole
  turn of several sentences at >= :data:`WHOLE_TURN_THRESHOLD`), or the officer answered the turn before with safeguarding (a safety plan, a crisis line, "are you safe at home?",
  a referral to children's services): evidence of a disclosure the words alone do not show.

Roles decide attribution only: what anyone says is read, except that officers' statements are left to the
cues and the response evidence (their advice and safety planning reads to the classifier as disclosure). When
roles are unknown (diarisation found one speaker in a dialogue), every statement is read.
"""

from __future__ import annotations

import re

from ..records import RiskFlag, Segment, Transcript
from .risk_classifier import NONE
from .risk_cues import categories, categories_answered, is_no_answer
from .roles import OFFICER
from .text import cite, is_question, phrases, role_of, sentences, shorten

RISK_CLASSIFIER_THRESHOLD = 0.98  # probability for "disclosed"; see benchmarks/HELDOUT.md
# "possible" from a sentence, and from a whole turn of several sentences (a whole turn is never "disclosed"):
# set on benchmarks/data/risk/windows_a.jsonl and the tuning sessions (benchmarks/HELDOUT.md).
POSSIBLE_THRESHOLD = 0.95
WHOLE_TURN_THRESHOLD = 0.98
DISCLOSED, POSSIBLE = "disclosed", "possible"

# What an officer says when they have heard a disclosure, by category (only those where it is strong evidence:
# referrals to drug services, "tell your GP" and "ring the police" are routine talk).
SAFEGUARDING_RESPONSES = {
    "self-harm or suicide": phrases(
        r"safety plan", r"keep(?:ing)? yourself safe", r"samaritans?'?s?", r"crisis (?:team|line|number|service|cafe)",
        r"(?:those|these|the|any) thoughts (?:there|with you|today|now|right now)", r"thoughts (?:of|about) (?:ending|"
        r"harming|hurting|killing|taking)", r"(?:hurt|harm|kill)(?:ing)? yourself", r"end(?:ing)? your (?:own )?life",
        r"suicid\w*", r"mental health (?:team|referral|crisis|nurse|worker)", r"\b85258\b", r"116 ?123",
        r"(?:get rid of|hand in|give (?:me|someone)|lock away) (?:the|those|your) (?:tablets|pills|meds)"),
    "domestic abuse": phrases(
        r"are you safe (?:at home|there|with (?:him|her|them)|to go home|tonight)", r"refuge", r"domestic abuse",
        r"\bidva\b", r"\bmarac\b", r"women'?s aid", r"non-?molestation", r"respect (?:helpline|phone ?line)",
        r"coercive", r"controlling behaviour"),
    "children": phrases(
        r"children'?s (?:social care|services)", r"social services", r"social worker", r"safeguarding (?:referral|"
        r"concern|team|lead)", r"child protection", r"\bmash\b", r"(?:share|pass) (?:this|that) (?:on )?with "
        r"(?:children|social)", r"the kids? (?:safe|on (?:their|his|her) own)"),
    "weapons": phrases(
        r"(?:still )?(?:got|have|carrying) (?:the|a|that) (?:knife|blade|weapon|machete|gun)",
        r"hand (?:it|the knife|the weapon|the blade) in", r"knife (?:amnesty|bin)", r"surrender (?:it|the weapon)"),
}
_PRESUPPOSES = re.compile(r"\b(?:those|these|still|again|them)\b", re.I)


def extract_risk_flags(transcript: Transcript, classifier=None) -> list[RiskFlag]:
    """Risk and safeguarding statements, by category and tier, skipping negated ones ("I haven't used").

    A question is flagged only with its answer, which is cited too: "Have you been drinking?" "No, nothing."
    is no flag, and "Are you still taking your tablets?" "Not really." is missed medication. With a
    ``classifier`` (:class:`.risk_classifier.RiskClassifier`), statements and whole turns are read by it too.
    """
    segments = transcript.segments
    roles = role_of(transcript)
    flags: list[RiskFlag] = []
    statements: list[tuple[list[int], str, bool]] = []  # (cited, text, whether a whole turn)
    for i, seg in enumerate(segments):
        reply = next((j for j in range(i + 1, min(i + 3, len(segments))) if segments[j].speaker != seg.speaker), None)
        context = " ".join(s.redacted_text for s in segments[max(0, i - 3):i + 1])
        said = sentences(seg.redacted_text)
        for sentence in said:
            if not is_question(sentence):
                found, cited = categories(sentence, context), [i]
                if roles.get(seg.speaker) != OFFICER and len(sentence.split()) >= 3:
                    statements.append(([i], sentence, False))
            elif reply is not None:
                found, cited = categories_answered(sentence, segments[reply].redacted_text, context), [i, reply]
            else:
                continue
            ts, idx = cite(segments, cited)
            flags += [RiskFlag(category, shorten(sentence), ts, idx) for category in found]
        if roles.get(seg.speaker) != OFFICER and len(said) > 1:
            statements.append(([i], seg.redacted_text, True))  # the turn as a whole: "The tablets. I'm saving them."
    if classifier is not None and statements:
        flags += _classified(segments, statements, classifier.predict([text for _, text, _ in statements]), flags)
    flags += _responses(transcript, flags)
    return sorted(_strongest(flags), key=lambda flag: (flag.segments, flag.category))


def _classified(segments: list[Segment], statements: list[tuple[list[int], str, bool]],
                predictions: list[tuple[str, float]], flags: list[RiskFlag]) -> list[RiskFlag]:
    """Flags the classifier adds: "disclosed" at :data:`RISK_CLASSIFIER_THRESHOLD`, "possible" below it."""
    found = {(i, f.category) for f in flags for i in f.segments}
    added = []
    for (cited, text, whole), (category, probability) in zip(statements, predictions, strict=True):
        if category == NONE or probability < (WHOLE_TURN_THRESHOLD if whole else POSSIBLE_THRESHOLD) \
                or any((i, category) in found for i in cited):
            continue
        # Domestic abuse is violence too: no second flag for the same words.
        if category == "threats or violence" and any((i, "domestic abuse") in found for i in cited):
            continue
        tier = DISCLOSED if probability >= RISK_CLASSIFIER_THRESHOLD and not whole else POSSIBLE
        added.append(RiskFlag(category, shorten(text), *cite(segments, cited), "classifier", round(probability, 3),
                              tier))
        found |= {(i, category) for i in cited}
    return added


def _responses(transcript: Transcript, flags: list[RiskFlag]) -> list[RiskFlag]:
    """"Possible" flags where an officer's safeguarding response follows someone else's turn that no flag of
    that category covers. A risk question answered "no" is no evidence. With no roles known (one voice found
    in a conversation), any utterance may be the officer's response to the one before."""
    segments = transcript.segments
    roles = role_of(transcript)
    officers = {sid for sid, role in roles.items() if role == OFFICER}
    unknown = not any(roles.values())
    covered = {(i, f.category) for f in flags for i in f.segments}
    added = []
    for i, seg in enumerate(segments):
        if unknown:
            before = i - 1 if i else None
        elif seg.speaker not in officers:
            continue
        else:
            before = next((j for j in range(i - 1, max(-1, i - 4), -1) if segments[j].speaker not in officers),
                          None)
        if before is None:
            continue
        reply = next((j for j in range(i + 1, min(i + 3, len(segments))) if segments[j].speaker != seg.speaker), None)
        for category, pattern in SAFEGUARDING_RESPONSES.items():
            hit = pattern.search(seg.redacted_text)
            if not hit or any((j, category) in covered for j in range(before, i + 1)):
                continue
            question = next((s for s in sentences(seg.redacted_text) if hit.group() in s and is_question(s)), None)
            # A routine question is evidence only when not answered "no" ("Any thoughts of harming yourself?"
            # "No."); one that presupposes what was said ("Are those thoughts there today?") is evidence.
            if question and not _PRESUPPOSES.search(question) and (
                    reply is None or is_no_answer(segments[reply].redacted_text)):
                continue
            ts, idx = cite(segments, [before, i])
            added.append(RiskFlag(category, shorten(segments[before].redacted_text), ts, idx, "response", None,
                                  POSSIBLE))
            covered |= {(before, category), (i, category)}
    return added


def _strongest(flags: list[RiskFlag]) -> list[RiskFlag]:
    """Every "disclosed" flag; a "possible" one only where no flag of its category cites its utterances."""
    taken = {(f.category, i) for f in flags if f.tier == DISCLOSED for i in f.segments}
    kept = [f for f in flags if f.tier == DISCLOSED]
    for f in flags:
        if f.tier == POSSIBLE and not any((f.category, i) in taken for i in f.segments):
            kept.append(f)
            taken |= {(f.category, i) for i in f.segments}
    return kept
