"""Themes of the session (accommodation, drugs, licence conditions...), each with the utterances that support it.

Curated cue words find the usual phrasings; with a sentence embedder, an utterance whose meaning is close to
one of a theme's example sentences supports it too ("I've got nowhere to stay" is accommodation without
saying housing). A theme needs at least two supporting utterances; risk and safeguarding is supported by
the utterances the risk flags cite, and one is enough.
"""

from __future__ import annotations

from ..records import Point, RiskFlag, Transcript
from .text import cite, phrases, shorten

MAX_POINTS = 4  # supporting utterances listed per theme

# -- phrase tables ---------------------------------------------------------------------------------------------
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
THEME_SIMILARITY = 0.6  # cosine; set from the tuning sessions, then checked on the held-out ones
# A theme is reported when at least this many utterances support it: one passing "Fair enough" or "you've
# kept to your licence" is not a theme of the session. Risk and safeguarding needs only one.
THEME_MIN_SUPPORT = 2


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
            themes[theme] = [Point(shorten(segments[i].redacted_text, 120), *cite(segments, [i]))
                             for i in sorted(hits[theme])[:MAX_POINTS]]
    return themes

