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
# Tasks said in the present with a time ("First thing tomorrow I'm ringing the council", "So you're doing the
# referral today?"): the -ing verb becomes the note's verb; without a time it is what someone is doing anyway.
_PROGRESSIVE_VERBS = {**{v + "ing": v for v in ("ring", "call", "email", "send", "book", "contact", "speak",
                                                "sort", "apply", "do", "pay", "bring", "fill", "post")},
                      **{v[:-1] + "ing": v for v in ("phone", "chase", "write", "make", "arrange", "take")},
                      **{v + v[-1] + "ing": v for v in ("put", "get", "refer", "drop")}}
_PROGRESSIVE_VERB = "|".join(sorted(_PROGRESSIVE_VERBS, key=len, reverse=True))
_FIRST_PERSON_PROGRESSIVE = re.compile(rf"\bi(?:'m| am) (?P<what>(?:{_PROGRESSIVE_VERB})\b[^.?!]+)", re.I)
_SECOND_PERSON_PROGRESSIVE = re.compile(rf"\byou(?:'re| are) (?P<what>(?:{_PROGRESSIVE_VERB})\b[^.?!]+)", re.I)
# "A referral will be made to the accommodation team": the officer's own task, said in the passive.
_PASSIVE_PARTICIPLES = {"made": "make", "sent": "send", "done": "do", "applied for": "apply for", "arranged": "arrange",
                        "booked": "book", "submitted": "submit", "completed": "complete", "put in": "put in",
                        "written": "write", "chased up": "chase up", "organised": "organise", "requested": "request"}
_PASSIVE_ACTION = re.compile(
    r"^(?:(?:so|and|right|okay|ok|now|then),?\s+)*(?P<subject>(?:a|an|the|your)\b[\w' -]{2,40}?) will be "
    rf"(?P<participle>{'|'.join(_PASSIVE_PARTICIPLES)})\b(?P<rest>[^.?!]*)", re.I)
_SECOND_PERSON_ACTION = re.compile(
    r"\b(?:you(?:'ll| will)? need to|you(?:'ll| will)(?! be\b)|you(?:'re| are) (?:going to|gonna)|you've got to|you have to|you must|make sure you|"
    r"(?:what )?i(?: want| need|'d like| would like) you to(?: do is)?|(?:i(?:'m| am) (?:gonna|going to)|i(?:'ll| will)) need you to|"
    r"what i(?:'m| am) asking(?: for)? is(?: that| for)? you(?: to)?|(?:the|my) ask(?: from me)? is(?: that)? you(?: to)?|"
    r"(?<!last time )(?<!last week )(?<!before )you said you(?:'d| would)|make sure you(?:'re| are)(?= in\b| home\b| back\b| there\b| at\b| on time\b)|"
    r"can you|could you|(?:would|will) you(?: be (?:willing|able) to)?|are you able to|any chance you could|"
    r"don't forget to|remember to|please|your (?:job|task|homework)(?: for)?(?: this| next)?(?: week)? is to|"
    r"the plan is(?: that)? you(?:'ll| will)?)\s+(?P<what>[^.?!]+)", re.I)
# An officer's instruction without a subject: "Bring the letter and your diary.", "So, by next time, bring in
# your rota." (a conditional one, "ring me if things get heated", is advice).
_IMPERATIVE_ACTION = re.compile(
    r"^(?:(?:and|also|so|then|now|right|okay|ok|yeah|yes|well|look|listen|erm|um)\b,?\s+){0,3}"
    r"(?:[\w' ]{1,30}:\s+|(?!if\b|when\b|unless\b)[\w']+(?: [\w']+){0,4},\s+(?:so\s+|then\s+)?)?"
    r"(?:(?<=so )you\s+|(?<=then )you\s+)?"
    r"(?P<what>(?:bring|(?:ring|call|phone|text|contact|email)(?! me (?:if|when|any)\b)|book|send|fill (?:in|out)|"
    r"keep (?:a|an|your|the|track|a record)|write (?:down|to|your)|apply|register|attend|collect|pick up|hand in|"
    r"sign (?:up|the)|get (?:in touch|yourself|a|the|your|some|that|on to|onto|hold of|back to|down to)|"
    r"pop (?:in|into|down|round)|post|print|hand (?:[\w']+ ){1,4}in\b|drop (?:[\w']+ ){0,3}(?:in|into|off|round)\b|"
    r"make (?:an? (?:appointment|claim|complaint|start)|contact)|pay (?:the|your|off|back|it|them|what)|"
    r"do (?:your|the|a|some)\b(?! best)|"
    r"take (?!care|a seat|a minute|your time|it easy|a breath|a moment)|have a (?:think|look|word|go)|"
    r"give (?:\w+ ){1,4}a (?:ring|call|bell)|go (?:to|along|and|down|round|back|in|over|up)|speak to|talk to)"
    r"\b(?![^.?!]*(?<!know )(?<!see )(?<!ask )(?<!check )(?<! out )(?<! of )(?<!about )\b(?:if|when)\b)[^.?!]+)", re.I)
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
                            r"stop there|leave it there|read (?:out|through|over|it|that|this)|pull (?:[\w']+ ){0,4}up|"
                            r"bring (?:[\w']+ ){0,4}up on|"
                            # hedges and what is not a task: "I'll probably watch the match", "you'll get there"
                            r"probably|maybe|perhaps|might|watch|sleep|relax|chill|have a (?:brew|cuppa|rest|lie[- ]in)|"
                            r"get there(?=,|$)|wait|need you to|rather)\b",
                            re.I)
# "What could you do next time?" asks for ideas; "Can you ring them?" asks for an action.
_OPEN_QUESTION = re.compile(r"^(?:(?:so|and|but|now|okay|ok|right|then|well)\b,?\s+)?(?:[\w']+(?: [\w']+){0,2},\s+)?"
                            r"(?:what|why|how|when|where|who|which)\b", re.I)

# "... and you ring the council", "... and I'll send them a letter": another action, said by a new subject.
_NEXT_CLAUSE = re.compile(r",?\s+(?:and|but)\s+(?=(?:i|you|we)\b)", re.I)
# "ring them if you need to talk to someone" is advice, not a task; "maybe I'll move back" is no commitment.
_CONDITION_BEFORE = re.compile(r"\b(?:if|when|unless|in case)\s*$|\b(?:maybe|perhaps)\b", re.I)
_BE = re.compile(r"make sure you(?:'re| are)\s*", re.I)
# A statement with a tag ("I'll ring the landlord, yeah?", "you're doing the referral today, is that right?")
# is said to agree it, not to ask.
_TAG_QUESTION = re.compile(r",?\s*(?:yeah|yes|okay|ok|alright|all right|right|aye|innit|deal|agreed|"
                           r"is that (?:right|ok|okay|alright|all right))\s*\?$", re.I)

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


def _passive_as_task(m: re.Match) -> str:
    """'A referral will be made to the team' -> 'make a referral to the team'."""
    subject = m.group("subject")
    return f"{_PASSIVE_PARTICIPLES[m.group('participle').lower()]} {subject[0].lower()}{subject[1:]}{m.group('rest')}".rstrip(" ,")


def extract_actions(transcript: Transcript) -> list[Action]:
    """Commitments and tasks, with owner (officer / person on probation) and any deadline."""
    roles = role_of(transcript)
    actions: list[Action] = []
    seen: set[str] = set()
    for i, seg in enumerate(transcript.segments):
        speaker_role = roles.get(seg.speaker, "")
        for sentence in sentences(seg.redacted_text):
            sentence = _TAG_QUESTION.sub(".", sentence)
            if sentence.endswith("?") and (_OPEN_QUESTION.match(sentence)
                                           or not _SECOND_PERSON_ACTION.search(sentence)):
                continue
            listener = OFFICER if speaker_role == PERSON_ON_PROBATION else PERSON_ON_PROBATION
            timed = bool(_DEADLINE.search(sentence))
            taken: list[tuple[int, int]] = []  # where in the sentence the actions found so far were said
            for pattern, owner in ((_FIRST_PERSON_ACTION, speaker_role), (_SECOND_PERSON_ACTION, listener),
                                   (_IMPERATIVE_ACTION, PERSON_ON_PROBATION if speaker_role == OFFICER else None),
                                   (_FIRST_PERSON_PROGRESSIVE, speaker_role if timed else None),
                                   (_SECOND_PERSON_PROGRESSIVE, listener if timed else None),
                                   (_PASSIVE_ACTION, OFFICER if speaker_role == OFFICER else None)):
                m = pattern.search(sentence)
                if not m or not owner:
                    continue
                what = _passive_as_task(m) if pattern is _PASSIVE_ACTION else m.group("what")
                if pattern is not _PASSIVE_ACTION:  # "you ring the surgery, and I'll send them a letter": two
                    what = _NEXT_CLAUSE.split(what, maxsplit=1)[0]
                    end = m.start("what") + len(what)
                    what = what.rstrip(" ,")
                else:
                    end = m.end()
                if (_NOT_AN_ACTION.match(what) or len(what.split()) < 2 or _CONDITION_BEFORE.search(sentence[:m.start()])
                        or any(m.start() < e and s < end for s, e in taken)):
                    continue
                taken.append((m.start(), end))
                if pattern in (_FIRST_PERSON_PROGRESSIVE, _SECOND_PERSON_PROGRESSIVE):
                    verb, _, rest = what.partition(" ")
                    what = f"{_PROGRESSIVE_VERBS[verb.lower()]} {rest}"
                elif pattern is _IMPERATIVE_ACTION:
                    what = what[0].lower() + what[1:]  # "Bring the letter" -> "to bring the letter"
                elif pattern is _SECOND_PERSON_ACTION and _BE.fullmatch(sentence, m.start(), m.start("what")):
                    what = f"be {what}"  # "make sure you're in on Thursday" -> "to be in on Thursday"
                deadline = _DEADLINE.search(what)
                text = f"{_owner_label(owner)} to {_third_person(what, owner, speaker_role)}"
                key = text.lower()
                if key in seen:
                    continue
                seen.add(key)
                ts, idx = cite(transcript.segments, [i])
                actions.append(Action(owner, shorten(text), deadline.group("deadline") if deadline else None, ts, idx))
    return actions

