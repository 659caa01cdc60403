"""Risk and safeguarding flags for the supervisor: statements the cue catalogue (:mod:`.risk_cues`) or the
learned classifier (:mod:`.risk_classifier`) reads as a disclosure, each citing its utterance(s)."""

from __future__ import annotations

from ..records import RiskFlag, Transcript
from .risk_classifier import NONE
from .risk_cues import categories, categories_answered
from .roles import OFFICER
from .text import cite, role_of, sentences, shorten

RISK_CLASSIFIER_THRESHOLD = 0.98  # probability; see benchmarks/HELDOUT.md


def extract_risk_flags(transcript: Transcript, classifier=None) -> list[RiskFlag]:
    """Risk and safeguarding statements, by category (:mod:`.risk_cues`), skipping negated ones ("I
    haven't used"). A question is flagged only with its answer, which is cited too: "Have you been drinking?"
    "No, nothing." is no flag, and "Are you still taking your tablets?" "Not really." is missed medication.
    With a ``classifier`` (:class:`.risk_classifier.RiskClassifier`), a statement it gives a
    category with probability >= :data:`RISK_CLASSIFIER_THRESHOLD` is flagged too, where the cues missed it;
    not the officer's statements, whose advice and safety planning it reads as disclosures."""
    segments = transcript.segments
    roles = role_of(transcript)
    flags, statements = [], []
    for i, seg in enumerate(segments):
        reply = next((j for j in range(i + 1, min(i + 3, len(segments))) if segments[j].speaker != seg.speaker), None)
        context = " ".join(s.redacted_text for s in segments[max(0, i - 3):i + 1])
        for sentence in sentences(seg.redacted_text):
            if not sentence.endswith("?"):
                found, cited = categories(sentence, context), [i]
                if roles.get(seg.speaker) != OFFICER and len(sentence.split()) >= 3:
                    statements.append((i, sentence, found))
            elif reply is not None:
                found, cited = categories_answered(sentence, segments[reply].redacted_text, context), [i, reply]
            else:
                continue
            ts, idx = cite(segments, cited)
            flags += [RiskFlag(category, shorten(sentence), ts, idx) for category in found]
    if classifier is not None and statements:
        for (i, sentence, found), (category, probability) in zip(
                statements, classifier.predict([sentence for _, sentence, _ in statements]), strict=True):
            # Domestic abuse is violence too: no second flag for the same sentence.
            if category in (NONE, *found) or probability < RISK_CLASSIFIER_THRESHOLD or \
                    (category == "threats or violence" and "domestic abuse" in found):
                continue
            flags.append(RiskFlag(category, shorten(sentence), *cite(segments, [i]), "classifier",
                                  round(probability, 3)))
    return sorted(flags, key=lambda flag: flag.segments)

