"""CRISSA supervision note, computed locally and deterministically from the redacted transcript.

Extractive: every point is built from utterances (lightly rewritten, e.g. "I'll ring the housing officer
tomorrow" becomes an officer action with a deadline) and cites their ``[hh:mm:ss]``. Only
``redacted_text`` is read, so nothing here can carry an identifier the redactor removed.

Sections (DESIGN.md): Check-in, Review, Intervention, Summary, Set task, Appointment; plus themes,
actions with owner and deadline, the next appointment, risk and safeguarding flags, and session facts.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .records import Segment, Transcript
from .render import format_timestamp
from .risk import categories, categories_answered, phrases
from .risk_classifier import NONE
from .roles import OFFICER, PERSON_ON_PROBATION

SECTIONS = ("check_in", "review", "intervention", "summary", "set_task", "appointment")
SECTION_TITLES = {"check_in": "Check-in", "review": "Review", "intervention": "Intervention",
                  "summary": "Summary", "set_task": "Set task", "appointment": "Appointment"}
MAX_BULLETS = 4


@dataclass
class Point:
    """One summary statement and the utterances it comes from."""

    text: str
    timestamps: list[str]
    segments: list[int]


@dataclass
class Action:
    owner: str  # "officer" | "person_on_probation"
    text: str
    deadline: str | None
    timestamps: list[str]
    segments: list[int]


@dataclass
class Appointment:
    date: str | None
    time: str | None
    place: str | None
    timestamps: list[str]
    segments: list[int]


@dataclass
class RiskFlag:
    category: str
    text: str
    timestamps: list[str]
    segments: list[int]
    # "phrase": a cue in :mod:`transcribe.risk`; "classifier": :mod:`transcribe.risk_classifier`, with its probability
    found_by: str = "phrase"
    probability: float | None = None


@dataclass
class Summary:
    crissa: dict[str, list[Point]]
    themes: dict[str, list[Point]]
    actions: list[Action]
    appointment: Appointment | None
    risk_flags: list[RiskFlag]
    facts: dict[str, object]
    method: str = "deterministic"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


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
    r"\b(?P<deadline>(?:by|before|on|for|until|no later than)\s+(?:(?:next|this)\s+)?(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|week|weekend|month|the end of (?:the|this|next) (?:week|month)|"
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
                            r"go (?:through|over|ahead|on|back over)|be(?! back| at\b| on time| home| there (?:at|by|for|on)))\b",
                            re.I)
# "What could you do next time?" asks for ideas; "Can you ring them?" asks for an action.
_OPEN_QUESTION = re.compile(r"^(?:(?:so|and|but|now|okay|ok|right|then|well)\b,?\s+)?(?:[\w']+(?: [\w']+){0,2},\s+)?"
                            r"(?:what|why|how|when|where|who|which)\b", re.I)

# Strong cues name the appointment; weak ones ("see you on Tuesday") only confirm it.
_APPOINTMENT = phrases(r"next appointment", r"next (?:session|meeting)", r"book (?:you|it) in(?: for)?",
                   r"(?:let's|we'll) (?:meet|see each other)", r"come (?:back|in) (?:on|next)", r"same time next")
_APPOINTMENT_WEAK = phrases(r"see you (?:on|next|at|then|in)", r"next one")
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december)")
_ORDINAL = (r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
            r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
            r"twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty[\s-]first)")
_DATE = re.compile(
    rf"\b(?:(?:next|this|on)\s+)?{_WEEKDAY}(?:,?\s+(?:the\s+)?(?:{_ORDINAL}|\d{{1,2}})(?:\s+of\s+{_MONTH})?)?"
    rf"|\b(?:the\s+)?{_ORDINAL}(?:\s+of\s+{_MONTH})?|\b{_MONTH}\s+(?:the\s+)?(?:{_ORDINAL}|\d{{1,2}})"
    r"|\btomorrow\b|\bnext week\b|\bin (?:two|three|four|2|3|4) weeks(?:'|’)? time\b", re.I)
_HOUR_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|1[0-2]|0?[1-9])"
_TIME = re.compile(
    r"\b(?:(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s*[ap]\s?\.?\s?m\b\.?|(?:[01]?\d|2[0-3]):[0-5]\d"
    rf"|half (?:past )?{_HOUR_WORDS}|quarter (?:past|to) {_HOUR_WORDS}|{_HOUR_WORDS}\s+o\s*['’]?\s*clock"
    rf"|noon|midday|(?<=at ){_HOUR_WORDS}(?:\s+(?:thirty|fifteen|forty-five|\d{{2}}))?)(?!\w)", re.I)
_VENUE_WORDS = r"(?:office|centre|center|hub|building|station|court|clinic|reception|library|cafe|café)"
_PLACE = re.compile(
    rf"\b(?:at|in)\s+(?P<place>(?:the\s+)?(?:\[[A-Z ]+\d+\]|[A-Z][\w']+)(?:\s+[A-Z][\w']+)?(?:\s+{_VENUE_WORDS})?"
    rf"|the\s+(?:\w+\s+)?{_VENUE_WORDS})|\b(?P<here>here|same place|the usual place)\b")

RISK_THEME = "risk and safeguarding"
THEME_CUES = {
    "accommodation": phrases(r"housing", r"housed", r"house move", r"flat", r"tenancy", r"landlord", r"rent", r"hostel", r"approved premises",
                         r"homeless\w*", r"sofa", r"evict\w*", r"move(?:d)? in", r"address", r"council"),
    "education, training and employment": phrases(r"job(?! ?cent(?:re|er))(?!(?: this week| for this week)? is to)",
                                               r"(?<!unpaid )(?<!some )(?<!her )(?<!his )work(?:ing)?"
                                               r"(?! coach| on\b| with\b| through\b)",
                                               r"shift\w*", r"employ\w*", r"course",
                                               r"college", r"training", r"cscs", r"interview", r"cv", r"apprentice\w*",
                                               r"qualification\w*", r"volunteer\w*"),
    "finance and benefits": phrases(r"universal credit", r"benefits?", r"pip", r"esa", r"money", r"debt\w*", r"budget\w*",
                                r"pay(?:slip|day|ment)?s?", r"bills?", r"sanction\w*", r"food bank", r"loan",
                                r"£\d+"),
    "relationships and family": phrases(r"partner", r"girlfriend", r"boyfriend", r"wife", r"husband", r"mum", r"dad",
                                    r"kids?", r"children", r"son", r"daughter", r"family", r"relationship\w*", r"ex",
                                    r"seeing someone", r"falling out", r"fell out", r"split up", r"broke up"),
    "drugs": phrases(r"drugs?", r"heroin", r"crack", r"cocaine", r"cannabis", r"weed", r"spice", r"methadone",
                 r"subutex", r"buvidal", r"script", r"using", r"used again", r"relapse\w*", r"clean", r"test(?:ed)? positive",
                 r"gear", r"ket(?:amine)?", r"mdma", r"benzos", r"mamba", r"pregabalin", r"substance misuse"),
    "alcohol": phrases(r"drink\w*", r"alcohol", r"pub", r"pints?", r"beer", r"cans of", r"sober", r"drunk", r"vodka"),
    "physical and mental health": phrases(r"gp", r"doctor", r"anxiety", r"depress\w*", r"mental health", r"medication",
                                      r"meds", r"sleep\w*", r"hospital", r"pain", r"counsell\w*", r"therapy",
                                      r"stress\w*", r"panic", r"mood", r"(?:feel|feeling|felt) (?:low|down)",
                                      r"crisis team"),
    "thinking and behaviour": phrases(r"temper", r"anger", r"angry", r"impulsive", r"triggers?", r"consequences",
                                  r"think(?:ing)? before", r"without thinking", r"walked away", r"calm(?:ed)? down",
                                  r"coping", r"warning signs", r"(?:do|done|doing) (?:it |things )?differently",
                                  r"(?:likely )?outcome", r"(?:going (?:on|through)|goes on) (?:in|through) your head",
                                  r"think(?:ing)? it through", r"urges?", r"cravings?", r"high[- ]risk situations?"),
    "attitudes": phrases(r"(?:not|wasn't|isn't) my fault", r"(?:not|isn't|wasn't) fair", r"unfair", r"blame\w*", r"victim", r"regret\w*",
                     r"responsib\w*", r"attitude", r"motivat\w*", r"want to change"),
    "licence conditions and compliance": phrases(r"licence", r"conditions?", r"curfew", r"tag", r"exclusion zone",
                                            r"breach\w*", r"recall\w*", r"missed (?:an |the |my )?appointments?",
                                            r"reporting", r"unpaid work", r"(?:community|suspended sentence) order",
                                            r"complian\w*", r"comply\w*"),
}


# A few sentences per theme, compared by meaning (sentence embeddings) to catch what the cue words miss:
# "I've got nowhere to stay" is accommodation without saying housing.
THEME_EXAMPLES = {
    "accommodation": ["I have nowhere to live at the moment.", "I'm sleeping on a friend's sofa.",
                      "The council are sorting out my housing.", "My landlord wants me out of the flat."],
    "education, training and employment": ["I've got a job interview next week.", "I'm doing a course at college.",
                                           "I've been looking for work.", "They gave me more shifts at work."],
    "finance and benefits": ["I can't afford to pay my bills.", "My benefits have been stopped.",
                             "I owe money and the debt collectors are writing to me.", "I ran out of money this month."],
    "relationships and family": ["Things are difficult with my partner.", "I want to see my children.",
                                 "My mum has been really supportive.", "We split up last month."],
    "drugs": ["I've been using drugs again.", "I'm on a methadone script.", "I want to stay clean.",
              "My drug test came back positive."],
    "alcohol": ["I've been drinking too much.", "I had a few pints at the pub.", "I've cut down on the drink."],
    "physical and mental health": ["My anxiety has been really bad.", "I've been feeling depressed.",
                                   "I need to see my doctor.", "I can't sleep at night."],
    "thinking and behaviour": ["I lost my temper and shouted at him.", "I acted without thinking.",
                               "I walked away before it got worse.", "I need to control my anger.",
                               "What could you do differently next time?"],
    "attitudes": ["It wasn't my fault, he started it.", "I don't see why I have to do this.",
                  "I really want to change my life.", "I regret what I did to the victim."],
    "licence conditions and compliance": ["You were late for your curfew.", "You must stick to your licence conditions.",
                                          "You missed your last appointment.", "Breaching your licence could mean recall."],
}
RISK_CLASSIFIER_THRESHOLD = 0.98  # probability; see benchmarks/HELDOUT.md
THEME_SIMILARITY = 0.6  # cosine; set from the tuning sessions, then checked on the held-out ones
# A theme is reported when at least this many utterances support it: one passing "Fair enough" or "you've
# kept to your licence" is not a theme of the session. Risk and safeguarding needs only one.
THEME_MIN_SUPPORT = 2


# -- helpers -------------------------------------------------------------------------------------------------
def _cite(segments: list[Segment], indices: list[int]) -> tuple[list[str], list[int]]:
    indices = sorted(set(indices))
    return [format_timestamp(segments[i].start) for i in indices], indices


def _role_of(transcript: Transcript) -> dict[str, str]:
    return {s.id: s.role or "" for s in transcript.speakers}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def _shorten(text: str, limit: int = 160) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


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
_SUBJECT_VERB = re.compile(r"\s+(?:are|were|have|had|can|could|will|would|should|need|want|feel|felt|got|went|did|"
                           r"didn't|don't|know|knew|think|thought|start|started|stop|stopped|said|left|leave|came|"
                           r"come|made|took|might|must|\w+ed)\b", re.I)


def _third_person(what: str, owner: str, speaker: str) -> str:
    """Rewrite an action as a note would: 'ring my sister' said by the person on probation -> 'ring their
    sister'; 'let your GP know how you're feeling' said by the officer -> "let the person on probation's GP
    know how the person on probation is feeling". The owner is 'they'; the other party is named."""
    listener = PERSON_ON_PROBATION if speaker == OFFICER else OFFICER

    def replace(m: re.Match) -> str:
        word = re.sub(r"\s+", " ", m.group().lower().replace("’", "'"))
        role = speaker if word[0] in "im" else listener
        form = _PRONOUNS.get(word, 0)
        if form is None:  # "you": subject at the start of a clause or before a verb ("tell them you stopped")
            last = (re.findall(r"[\w']+|,", what[:m.start()].lower()) or [""])[-1]
            form = 0 if (last in _CLAUSE_START or (_SUBJECT_VERB.match(what, m.end()) and last not in _OBJECT_VERBS)) \
                else 1
        if role == owner:
            return ("they", "them", "their", "themselves", "they're", "they've", "they'll", "they'd")[form]
        noun = "the person on probation" if role == PERSON_ON_PROBATION else "the officer"
        return (noun, noun, noun + "'s", noun, noun + " is", noun + " has", noun + " will", noun + " would")[form]

    return _PRONOUN.sub(replace, what).strip(" ,;:")


def _owner_label(owner: str) -> str:
    return {OFFICER: "Officer", PERSON_ON_PROBATION: "Person on probation"}.get(owner, owner.capitalize())


# -- extraction ------------------------------------------------------------------------------------------------
def extract_actions(transcript: Transcript) -> list[Action]:
    """Commitments and tasks, with owner (officer / person on probation) and any deadline."""
    roles = _role_of(transcript)
    actions: list[Action] = []
    seen: set[str] = set()
    for i, seg in enumerate(transcript.segments):
        speaker_role = roles.get(seg.speaker, "")
        for sentence in _sentences(seg.redacted_text):
            if sentence.endswith("?") and (_OPEN_QUESTION.match(sentence)
                                           or not _SECOND_PERSON_ACTION.search(sentence)):
                continue
            listener = OFFICER if speaker_role == PERSON_ON_PROBATION else PERSON_ON_PROBATION
            for pattern, owner in ((_FIRST_PERSON_ACTION, speaker_role), (_SECOND_PERSON_ACTION, listener),
                                   (_IMPERATIVE_ACTION, PERSON_ON_PROBATION if speaker_role == OFFICER else None)):
                m = pattern.search(sentence)
                if not m or _NOT_AN_ACTION.match(m.group("what")) or len(m.group("what").split()) < 2:
                    continue
                if re.search(r"\b(?:if|when|unless|in case)\s*$", sentence[:m.start()], re.I):
                    continue  # "ring them if you need to talk to someone" is advice, not a task
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
                ts, idx = _cite(transcript.segments, [i])
                actions.append(Action(owner, _shorten(text), deadline.group("deadline") if deadline else None, ts, idx))
                break
    return actions


def _tidy_date(text: str) -> str:
    """'on Friday' -> 'Friday' ('next' and 'this' are kept: they change the date)."""
    return re.sub(r"^on\s+", "", text.strip(), flags=re.I)


def _tidy_time(text: str) -> str:
    """'3 p .m.' -> '3 pm', "10 o 'clock" -> "10 o'clock" (speech recognition spacing)."""
    text = re.sub(r"(?<=[\d\s])([ap])\s?\.?\s?m\b\.?", lambda m: m.group(1).lower() + "m", text, flags=re.I)
    text = re.sub(r"(\d)(am|pm)\b", r"\1 \2", text)
    return re.sub(r"\s+o\s*['’]?\s*clock", " o'clock", text).strip()


def _restated(segments: list[Segment], date: str, time: str, i: int, later: Appointment) -> Appointment:
    """``later`` with the time agreed in utterance ``i``, where ``later`` restates that day more briefly
    ("Tuesday the 14th at half past two" ... "See you on the 14th")."""
    date = _tidy_date(date)
    if date.split()[-1].lower() != later.date.split()[-1].lower():
        return later
    ts, idx = _cite(segments, [i, *later.segments])
    return Appointment(max(date, later.date, key=len), _tidy_time(time), later.place, ts, idx)


def extract_appointment(transcript: Transcript) -> Appointment | None:
    """The next appointment (date, time, place) as last stated in the session."""
    segments = transcript.segments
    # Speech recognition glues hyphens onto words ("half -two", "twenty -first"): read them as spaces.
    # "10 .30" is half past ten.
    texts = [re.sub(r"\b(\d{1,2}) ?[.:] ?(\d{2})\b", r"\1:\2", re.sub(r"(?<=\w) -(?=\w)", " ", seg.redacted_text))
             for seg in segments]
    strong = [i for i, text in enumerate(texts) if _APPOINTMENT.search(text)]
    weak = [i for i, text in enumerate(texts) if _APPOINTMENT_WEAK.search(text)]
    found: Appointment | None = None
    for i in strong or weak:
        cue = (_APPOINTMENT if strong else _APPOINTMENT_WEAK).search(texts[i])
        window = [i] + ([i + 1] if i + 1 < len(segments) else [])
        # Read from the cue on: "Good luck on Thursday. Next appointment is Tuesday..." means Tuesday.
        text = " ".join(texts[j] for j in window)[cue.start():]
        date = _DATE.search(text)
        time = _TIME.search(text)
        place = _PLACE.search(text[time.end():] if time else text) or _PLACE.search(text)
        place_text = (place.group("place") or place.group("here")) if place else None
        if not (date or time):
            continue
        own = len(texts[i]) - cue.start()
        ts, idx = _cite(segments, window if (date and date.start() >= own) or (time and time.start() >= own) else [i])
        found = Appointment(_tidy_date(date.group()) if date else None, _tidy_time(time.group()) if time else None,
                            place_text.strip() if place_text else None, ts, idx)
    if found and found.date and not found.time:
        # "See you on the 14th" at the door: the day and time were agreed a few utterances before.
        for i in range(found.segments[0] - 1, max(-1, found.segments[0] - 6), -1):
            date, time = _DATE.search(texts[i]), _TIME.search(texts[i])
            if date and time:
                found = _restated(segments, date.group(), time.group(), i, found)
                break
    if found is None:
        # No cue survived recognition ("let's look you in for Wednesday..."): sessions end by agreeing the
        # next appointment, so take the last late utterance that names both a day and a time.
        for i in range(len(segments) - 1, len(segments) * 2 // 3 - 1, -1):
            date, time = _DATE.search(texts[i]), _TIME.search(texts[i])
            if date and time:
                place = _PLACE.search(texts[i])
                ts, idx = _cite(segments, [i])
                return Appointment(_tidy_date(date.group()), _tidy_time(time.group()),
                                   (place.group("place") or place.group("here")) if place else None, ts, idx)
    return found


def extract_risk_flags(transcript: Transcript, classifier=None) -> list[RiskFlag]:
    """Risk and safeguarding statements, by category (:mod:`transcribe.risk`), skipping negated ones ("I
    haven't used"). A question is flagged only with its answer, which is cited too: "Have you been drinking?"
    "No, nothing." is no flag, and "Are you still taking your tablets?" "Not really." is missed medication.
    With a ``classifier`` (:class:`transcribe.risk_classifier.RiskClassifier`), a statement it gives a
    category with probability >= :data:`RISK_CLASSIFIER_THRESHOLD` is flagged too, where the cues missed it;
    not the officer's statements, whose advice and safety planning it reads as disclosures."""
    segments = transcript.segments
    roles = _role_of(transcript)
    flags, statements = [], []
    for i, seg in enumerate(segments):
        reply = next((j for j in range(i + 1, min(i + 3, len(segments))) if segments[j].speaker != seg.speaker), None)
        context = " ".join(s.redacted_text for s in segments[max(0, i - 3):i + 1])
        for sentence in _sentences(seg.redacted_text):
            if not sentence.endswith("?"):
                found, cited = categories(sentence, context), [i]
                if roles.get(seg.speaker) != OFFICER and len(sentence.split()) >= 3:
                    statements.append((i, sentence, found))
            elif reply is not None:
                found, cited = categories_answered(sentence, segments[reply].redacted_text, context), [i, reply]
            else:
                continue
            ts, idx = _cite(segments, cited)
            flags += [RiskFlag(category, _shorten(sentence), ts, idx) for category in found]
    if classifier is not None and statements:
        for (i, sentence, found), (category, probability) in zip(
                statements, classifier.predict([sentence for _, sentence, _ in statements]), strict=True):
            # Domestic abuse is violence too: no second flag for the same sentence.
            if category in (NONE, *found) or probability < RISK_CLASSIFIER_THRESHOLD or \
                    (category == "threats or violence" and "domestic abuse" in found):
                continue
            flags.append(RiskFlag(category, _shorten(sentence), *_cite(segments, [i]), "classifier",
                                  round(probability, 3)))
    return sorted(flags, key=lambda flag: flag.segments)


def extract_themes(transcript: Transcript, embedder=None, risk_flags: list[RiskFlag] = ()) -> dict[str, list[Point]]:
    """Themes with the utterances that support them: curated cue words, plus (with an ``embedder``)
    utterances whose meaning is close to a theme's example sentences; risk and safeguarding is supported by
    the utterances ``risk_flags`` cite."""
    segments = transcript.segments
    hits: dict[str, set[int]] = {RISK_THEME: {i for flag in risk_flags for i in flag.segments}}
    for i, seg in enumerate(segments):
        for theme, pattern in THEME_CUES.items():
            if pattern.search(seg.redacted_text):
                hits.setdefault(theme, set()).add(i)
    if embedder is not None:
        candidates = [i for i, seg in enumerate(segments) if len(seg.redacted_text.split()) >= 5]
        if candidates:
            names = list(THEME_EXAMPLES)
            examples = [e for name in names for e in THEME_EXAMPLES[name]]
            owner = [name for name in names for _ in THEME_EXAMPLES[name]]
            vectors = embedder.encode([segments[i].redacted_text for i in candidates] + examples)
            similarity = vectors[:len(candidates)] @ vectors[len(candidates):].T  # shape: (utterances, examples)
            for row, i in enumerate(candidates):
                best = int(similarity[row].argmax())
                if similarity[row, best] >= THEME_SIMILARITY:
                    hits.setdefault(owner[best], set()).add(i)
    themes = {}
    for theme in (*THEME_CUES, RISK_THEME):
        if len(hits.get(theme, ())) >= (1 if theme == RISK_THEME else THEME_MIN_SUPPORT):
            themes[theme] = [Point(_shorten(segments[i].redacted_text, 120), *_cite(segments, [i]))
                             for i in sorted(hits[theme])[:MAX_BULLETS]]
    return themes


def _section_points(transcript: Transcript, pattern: re.Pattern, used: set[int], part: slice | None = None,
                    answers: bool = True) -> list[Point]:
    """Utterances matching ``pattern`` (officer's prompt plus the reply that follows), as points.

    ``used`` holds utterances already cited by an earlier section; each utterance feeds one section only.
    """
    segments = transcript.segments
    roles = _role_of(transcript)
    indices = range(len(segments))[part] if part else range(len(segments))
    points: list[Point] = []
    for i in indices:
        seg = segments[i]
        if i in used or not pattern.search(seg.redacted_text):
            continue
        cited = [i]
        text = seg.redacted_text
        if answers and i + 1 not in used and roles.get(seg.speaker) == OFFICER and seg.redacted_text.rstrip().endswith("?") \
                and i + 1 < len(segments) and roles.get(segments[i + 1].speaker) != OFFICER:
            cited.append(i + 1)
            text = segments[i + 1].redacted_text
            prefix = "Reported"
        else:
            prefix = "Officer" if roles.get(seg.speaker) == OFFICER else "Person on probation"
            prefix += " said"
        if len(text.split()) < 3:
            continue
        used.update(cited)
        ts, idx = _cite(segments, cited)
        points.append(Point(f"{prefix}: {_shorten(text)}", ts, idx))
        if len(points) >= MAX_BULLETS:
            break
    return points


def summarise(transcript: Transcript, embedder=None, risk_classifier=None) -> Summary:
    """The CRISSA note of a (redacted, role-labelled) transcript.

    Args:
        transcript: with ``redacted_text`` and speaker roles filled in.
        embedder: optional :class:`transcribe.embed.SentenceEmbedder` for meaning-based themes.
        risk_classifier: optional :class:`transcribe.risk_classifier.RiskClassifier` for risk the cues miss.
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
        "appointment": [Point(_appointment_text(appointment), appointment.timestamps, appointment.segments)]
        if appointment else [],
    }
    total_talk = sum(s.talk_time_s for s in transcript.speakers) or 1.0
    facts = {
        "recorded_at": transcript.source.recorded_at,
        "recorded_at_from": transcript.source.recorded_at_from,
        "duration_s": transcript.source.duration_s,
        "utterances": n,
        "speakers": [{"id": s.id, "role": s.role, "talk_time_s": s.talk_time_s,
                      "talk_share": round(s.talk_time_s / total_talk, 3)} for s in transcript.speakers],
    }
    notes = [] if n else ["No speech was found in this recording."]
    risk_flags = extract_risk_flags(transcript, risk_classifier)
    return Summary(crissa, extract_themes(transcript, embedder, risk_flags), actions, appointment, risk_flags, facts,
                   notes=notes)


def _appointment_text(a: Appointment) -> str:
    parts = [p for p in (a.date, f"at {a.time}" if a.time else None, f"({a.place})" if a.place else None) if p]
    return "Next appointment: " + " ".join(parts)
