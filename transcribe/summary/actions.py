"""Actions agreed in the session: who does what, and by when.

"I'll ring the housing officer tomorrow" said by the officer is an officer action with the deadline
"tomorrow"; "You need to bring your payslips" or "Bring the letter" said by the officer is a task for the
person on probation. Each is rewritten in the third person as a note would put it ("Person on probation to
bring their payslips") and cites the utterance it comes from. Questions asking for ideas ("What could you do
next time?"), conditional advice ("ring them if...") and talk about the conversation itself ("I need to
remind you") are not actions.
"""

from __future__ import annotations

import re

from ..records import Action, Transcript
from ..vocabulary import WEEKDAY_PATTERN
from .roles import OFFICER, PERSON_ON_PROBATION
from .text import cite, role_of, sentences, shorten

# -- phrase tables ---------------------------------------------------------------------------------------------
_FIRST_PERSON_ACTION = re.compile(
    r"\b(?:i'll|i will|i(?:'m| am) (?:also |just |then )?going to|i need to|i've got to|i (?:do )?have to|i must|i'm gonna|let me|"
    r"i(?:'d| would) like to(?= refer| book| arrange| contact| ring| call| write| send| make| put| get| speak)|"
    r"i want to(?= refer| book| arrange| contact| ring| call| write| send| make| put| get| speak)|"
    r"my job(?: now)? is to|(?=(?:let's|we'll|we will) get you )(?:let's|we'll|we will))\s+"
    r"(?P<what>[^.?!]+)", re.I)
_SECOND_PERSON_ACTION = re.compile(
    r"\b(?:you(?:'ll| will)? need to|you(?:'ll| will)(?! be\b)|you(?:'re| are) going to|you've got to|you have to|you must|make sure you|"
    r"(?:what )?i(?: want| need|'d like| would like) you to(?: do is)?|"
    r"can you|could you|(?:would|will) you(?: be (?:willing|able) to)?|are you able to|any chance you could|"
    r"don't forget to|remember to|please|your (?:job|task|homework)(?: for)?(?: this| next)?(?: week)? is to|"
    r"the plan is(?: that)? you(?:'ll| will)?)\s+(?P<what>[^.?!]+)", re.I)
# An officer's instruction without a subject: "Bring the letter and your diary.", "So, by next time, bring in
# your rota." (a conditional one, "ring me if things get heated", is advice).
_IMPERATIVE_ACTION = re.compile(
    r"^(?:(?:and|also|so|then|now|right|okay|ok),?\s+)?(?:[\w' ]{1,30}:\s+|(?!if\b|when\b)[\w']+(?: [\w']+){0,4},\s+)?"
    r"(?P<what>(?:bring|(?:ring|call|phone|text|contact|email)(?! me\b)|book|send|fill (?:in|out)|"
    r"keep (?:a|an|your|the|track|a record)|write (?:down|to|your)|apply|register|attend|collect|pick up|hand in|"
    r"sign (?:up|the)|get (?:in touch|yourself|a|the|your|some|that)|pop (?:in|into|down|round)|post|print|"
    r"take (?!care|a seat|a minute|your time|it easy|a breath|a moment)|have a (?:think|look|word|go)|"
    r"give (?:\w+ ){1,4}a (?:ring|call|bell)|go (?:to|along|and|down|round)|speak to|talk to)"
    r"\b(?![^.?!]*\b(?:if|when)\b)[^.?!]+)", re.I)
_DEADLINE = re.compile(
    rf"\b(?P<deadline>(?:by|before|on|for|until|no later than)\s+(?:(?:next|this)\s+)?(?:{WEEKDAY_PATTERN}|"
    r"week|weekend|month|the end of (?:the|this|next) (?:week|month)|"
    r"(?:the )?\d{1,2}(?:st|nd|rd|th)?(?: of \w+)?|next appointment|next session|\w+ \d{1,2}(?:st|nd|rd|th)?)|"
    r"tomorrow|today|tonight|this (?:afternoon|week|evening)|next week|end of (?:the )?(?:day|week|month)|"
    r"within (?:a|one|two|three|\d+) (?:days?|weeks?))\b", re.I)
# Talk about the conversation itself ("I need to remind you", "I have to take it seriously", "I'll note that"),
# a bare "do that" agreeing to a task already recorded, and states ("you'll need to be honest") are not
# actions; being somewhere is ("I'll be at the pick-up point", "you've got to be back by seven").
_NOT_AN_ACTION = re.compile(r"^(?:say|think|guess|tell you|admit|don't|do not|explain (?:what|how|why)|"
                            r"tell (?:me|us)(?: (?:what|how|why|when|where|who|about|more|a bit|if|whether)\b|$)|check (?:something|a few things)|"
                            r"ask (?:you|about)|remind you|hear (?:that|this|me)|take (?:it |this |that )?seriously|note that|know\b|"
                            r"do (?:that|it|this)(?: (?:at home|then|now|later|for you))?$|just|see|"
                            r"go (?:through|over|ahead|on|back over)|be(?! back| at\b| on time| home| there (?:at|by|for|on))|"
                            # the session's own housekeeping: "I'll sum up", "I'll record that on the system"
                            r"sum (?:up|it up|things up)|recap|wrap (?:up|things up)|record (?:it|that|this|them)|"
                            r"(?:make|take) a (?:quick )?note|(?:jot|write) (?:it|that|this) down|move on|"
                            r"stop there|leave it there)\b",
                            re.I)
# "What could you do next time?" asks for ideas; "Can you ring them?" asks for an action.
_OPEN_QUESTION = re.compile(r"^(?:(?:so|and|but|now|okay|ok|right|then|well)\b,?\s+)?(?:[\w']+(?: [\w']+){0,2},\s+)?"
                            r"(?:what|why|how|when|where|who|which)\b", re.I)

# "ring them if you need to talk to someone" is advice, not a task.
_CONDITION_BEFORE = re.compile(r"\b(?:if|when|unless|in case)\s*$", re.I)

# -- rewriting an action in the third person -------------------------------------------------------------------
_VERB_FORMS = {"'m": 4, " am": 4, "'re": 4, " are": 4, "'ve": 5, " have": 5, "'ll": 6, " will": 6, "'d": 7, " would": 7}
# First or second person -> index into (subject, object, possessive, reflexive, +is, +has, +will, +would).
_PRONOUNS = {"i": 0, "me": 1, "my": 2, "myself": 3, "you": None, "your": 2, "yourself": 3,
             **{p + v: form for p in ("i", "you") for v, form in _VERB_FORMS.items()}}
_PRONOUN = re.compile(r"\b(?:(?:i|you)(?:['’](?:m|re|ve|ll|d)|\s+(?:am|are|have|will|would))|myself|yourself|my|me|i|"
                      r"your|you)\b", re.I)

_CLAUSE_START = ("", ",", "and", "if", "that", "when", "so", "how", "before", "after", "until", "while", "because", "or",
                 "but", "where", "whether", "once", "unless")
_OBJECT_VERBS = ("help", "let", "make", "watch", "see", "hear", "want", "need", "get", "ask", "tell", "give", "remind",
                 "show", "send", "support", "expect", "like")
_SPACES = re.compile(r"\s+")
_WORD_OR_COMMA = re.compile(r"[\w']+|,")
_SUBJECT_VERB = re.compile(r"\s+(?:are|were|have|had|can|could|will|would|should|need|want|feel|felt|got|went|did|"
                           r"didn't|don't|know|knew|think|thought|start|started|stop|stopped|said|left|leave|came|"
                           r"come|made|took|might|must|\w+ed)\b", re.I)


def _third_person(what: str, owner: str, speaker: str) -> str:
    """Rewrite an action as a note would: 'ring my sister' said by the person on probation -> 'ring their
    sister'; 'let your GP know how you're feeling' said by the officer -> "let the person on probation's GP
    know how the person on probation is feeling". The owner is 'they'; the other party is named."""
    listener = PERSON_ON_PROBATION if speaker == OFFICER else OFFICER

    def replace(m: re.Match) -> str:
        word = _SPACES.sub(" ", m.group().lower().replace("’", "'"))
        role = speaker if word[0] in "im" else listener
        form = _PRONOUNS.get(word, 0)
        if form is None:  # "you": subject at the start of a clause or before a verb ("tell them you stopped")
            last = (_WORD_OR_COMMA.findall(what[:m.start()].lower()) or [""])[-1]
            form = 0 if (last in _CLAUSE_START or (_SUBJECT_VERB.match(what, m.end()) and last not in _OBJECT_VERBS)) \
                else 1
        if role == owner:
            return ("they", "them", "their", "themselves", "they're", "they've", "they'll", "they'd")[form]
        noun = "the person on probation" if role == PERSON_ON_PROBATION else "the officer"
        return (noun, noun, noun + "'s", noun, noun + " is", noun + " has", noun + " will", noun + " would")[form]

    return _PRONOUN.sub(replace, what).strip(" ,;:")


def _owner_label(owner: str) -> str:
    return {OFFICER: "Officer", PERSON_ON_PROBATION: "Person on probation"}.get(owner, owner.capitalize())


def extract_actions(transcript: Transcript) -> list[Action]:
    """Commitments and tasks, with owner (officer / person on probation) and any deadline."""
    roles = role_of(transcript)
    actions: list[Action] = []
    seen: set[str] = set()
    for i, seg in enumerate(transcript.segments):
        speaker_role = roles.get(seg.speaker, "")
        for sentence in sentences(seg.redacted_text):
            if sentence.endswith("?") and (_OPEN_QUESTION.match(sentence)
                                           or not _SECOND_PERSON_ACTION.search(sentence)):
                continue
            listener = OFFICER if speaker_role == PERSON_ON_PROBATION else PERSON_ON_PROBATION
            for pattern, owner in ((_FIRST_PERSON_ACTION, speaker_role), (_SECOND_PERSON_ACTION, listener),
                                   (_IMPERATIVE_ACTION, PERSON_ON_PROBATION if speaker_role == OFFICER else None)):
                m = pattern.search(sentence)
                if not m or _NOT_AN_ACTION.match(m.group("what")) or len(m.group("what").split()) < 2:
                    continue
                if _CONDITION_BEFORE.search(sentence[:m.start()]):
                    continue
                if not owner:
                    continue
                what = m.group("what").rstrip(" ,")
                if pattern is _IMPERATIVE_ACTION:
                    what = what[0].lower() + what[1:]  # "Bring the letter" -> "to bring the letter"
                deadline = _DEADLINE.search(what)
                text = f"{_owner_label(owner)} to {_third_person(what, owner, speaker_role)}"
                key = text.lower()
                if key in seen:
                    continue
                seen.add(key)
                ts, idx = cite(transcript.segments, [i])
                actions.append(Action(owner, shorten(text), deadline.group("deadline") if deadline else None, ts, idx))
                break
    return actions

