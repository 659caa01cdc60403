"""Risk and safeguarding flags for the supervisor, in two tiers, each citing its utterance(s).

- **disclosed**: a stretch of conversation the learned classifier (:mod:`.risk_classifier`) gives a category
  with probability >= :data:`DISCLOSED_THRESHOLD`, or a statement the cue catalogue (:mod:`.risk_cues`) reads
  as a disclosure and the classifier agrees with (>= :data:`POSSIBLE_THRESHOLD` for that category in a window
  holding it): two detectors, built differently, agreeing.
- **possible — check the recording**: the classifier is less sure (>= :data:`POSSIBLE_THRESHOLD`), a cue the
  classifier does not back, or the officer answered the turn before with safeguarding (a safety plan, a crisis
  line, "are you safe at home?", a referral to children's services): evidence of a disclosure the words alone
  do not show.

The classifier reads each utterance and overlapping windows of :data:`WINDOW_UTTERANCES` consecutive
utterances, without speakers, so a disclosure spread over a question, an answer and the officer's reply is
read as one, and what is found does not depend on diarisation (roles decide attribution only). A flag cites
the utterance of its window that, read alone, most discloses its category.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..records import RiskFlag, Segment, Transcript
from .risk_classifier import LABELS, window_text
from .risk_cues import categories, categories_answered, is_no_answer
from .roles import OFFICER
from .text import cite, is_question, phrases, role_of, sentences, shorten

# Window probabilities for the two tiers, chosen on benchmarks/data/risk/windows_a.jsonl and the tuning
# sessions, as scripts and through the recogniser (benchmarks/HELDOUT.md): "disclosed" on at most 2% of A's
# near misses and no unexpected "disclosed" category in any tuning session; an unexpected "possible" one in at
# most one session in three (a lower bar for self-harm alone broke that through the recogniser).
DISCLOSED_THRESHOLD = 0.99
POSSIBLE_THRESHOLD = 0.95
# A cue's words whose category every window holding them gives less than the first are only "possible" (on the
# held-out window sets, the cues' "disclosed" flags the classifier did not back were most of that tier's false
# alarms: benchmarks/HELDOUT.md); where those windows give no category the second, they are dropped.
CUE_DOUBT_THRESHOLD, CUE_DISMISS_THRESHOLD = POSSIBLE_THRESHOLD, 0.1
WINDOW_UTTERANCES, WINDOW_STRIDE = 4, 2
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
    ``classifier`` (:class:`.risk_classifier.RiskClassifier`), windows of the conversation are read by it too.
    """
    segments = transcript.segments
    flags: list[RiskFlag] = []
    for i, seg in enumerate(segments):
        reply = next((j for j in range(i + 1, min(i + 3, len(segments))) if segments[j].speaker != seg.speaker), None)
        context = " ".join(s.redacted_text for s in segments[max(0, i - 3):i + 1])
        for sentence in sentences(seg.redacted_text):
            if not is_question(sentence):
                found, cited = categories(sentence, context), [i]
            elif reply is not None:
                found, cited = categories_answered(sentence, segments[reply].redacted_text, context), [i, reply]
            else:
                continue
            ts, idx = cite(segments, cited)
            flags += [RiskFlag(category, shorten(sentence), ts, idx) for category in found]
    if classifier is not None and segments:
        windows = _windows(len(segments))
        probabilities = classifier.predict([window_text([segments[i].redacted_text for i in w]) for w in windows])
        flags = [f for f in (_doubted(flag, windows, probabilities) for flag in flags) if f]
        flags += _classified(segments, windows, probabilities, flags)
    flags += _responses(transcript, flags)
    return sorted(_strongest(flags), key=lambda flag: (flag.segments, flag.category))


def _windows(count: int) -> list[range]:
    """Each utterance alone (a disclosure in one breath is diluted in a window that also holds another topic),
    then windows of :data:`WINDOW_UTTERANCES` utterances starting every :data:`WINDOW_STRIDE` (each pair of
    neighbours shares a window; one window for a shorter conversation)."""
    starts = range(0, max(1, count - WINDOW_UTTERANCES + WINDOW_STRIDE), WINDOW_STRIDE)
    return [range(i, i + 1) for i in range(count)] + [range(a, min(count, a + WINDOW_UTTERANCES)) for a in starts
                                                       if count > 1]


def _doubted(flag: RiskFlag, windows: list[range], probabilities: np.ndarray) -> RiskFlag | None:
    """A cue's flag where the classifier does not back it: below :data:`CUE_DOUBT_THRESHOLD` for its
    category in every window holding them it is only "possible"; dropped where those windows show no risk of
    any category above :data:`CUE_DISMISS_THRESHOLD` ("I'm on the knives all day, dicing onions", "the kids'
    social worker closed the case last week")."""
    held = [w for w, window in enumerate(windows) if any(i in window for i in flag.segments)]
    if flag.found_by != "phrase" or not held:
        return flag
    if probabilities[held].max() < CUE_DISMISS_THRESHOLD:
        return None
    doubted = probabilities[held, LABELS.index(flag.category)].max() < CUE_DOUBT_THRESHOLD
    return replace(flag, tier=POSSIBLE) if doubted else flag


def _classified(segments: list[Segment], windows: list[range], probabilities: np.ndarray,
                flags: list[RiskFlag]) -> list[RiskFlag]:
    """Flags the classifier adds, strongest window first: "disclosed" at :data:`DISCLOSED_THRESHOLD`,
    "possible" from :data:`POSSIBLE_THRESHOLD`; none where a flag of the category already covers the window.
    A flag cites the window's utterance that, read alone, most discloses the category, preferring one that
    does not ask (the first ``len(segments)`` windows are the utterances alone)."""
    covered = {(i, f.category) for f in flags for i in f.segments}
    asks = [_asks(seg) for seg in segments]
    added = []
    for w, k in sorted(zip(*np.nonzero(probabilities >= POSSIBLE_THRESHOLD), strict=True),
                       key=lambda wk: -probabilities[wk]):
        category, probability, window = LABELS[k], float(probabilities[w, k]), windows[w]
        if len(window) == 1 and asks[window[0]]:
            continue  # a question is read with its answer, in the windows holding both
        # Domestic abuse is violence too: no second flag for the same words.
        if any((i, category) in covered or category == "threats or violence" and (i, "domestic abuse") in covered
               for i in window):
            continue
        carrier = max(window, key=lambda i: (not asks[i], probabilities[i, k]))  # an answer before a question
        tier = DISCLOSED if probability >= DISCLOSED_THRESHOLD else POSSIBLE
        added.append(RiskFlag(category, shorten(segments[carrier].redacted_text), *cite(segments, [carrier]),
                              "classifier", round(probability, 3), tier))
        covered |= {(i, category) for i in window}
    return added


def _asks(segment: Segment) -> bool:
    """Whether an utterance ends by asking ("You mentioned you'd been low. Any thoughts of ending your life?")."""
    said = sentences(segment.redacted_text)
    return bool(said) and is_question(said[-1])


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
        if before is None or (before > 0 and _asks(segments[before - 1])
                              and is_no_answer(segments[before].redacted_text)):
            continue  # advice after a "no" to a question ("Any thoughts of ending your life?" "No, no..." "If
            # that ever changes, ring the crisis line") is routine, not evidence
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
