"""Risk and safeguarding cues: which categories a sentence discloses, read from its words.

The catalogue is grown from `transcribe/data/risk_training/writer1.json` (disclosures and near-misses by a
writer who never saw this code) and measured on `tests/data/risk_utterances.json`, which it is never tuned on
(`make bench-risk`). A sentence is read as a whole: a cue is not a disclosure when it is negated just
before ("I'd never carry a knife again") or when the sentence places it in the past and says it is over
("the assault was years back and I've done the anger course since").
"""

from __future__ import annotations

import re

from .text import phrases

# -- lexicons ------------------------------------------------------------------------------------------------
_MEDICINE = (r"(?:meds?|medication|medicine|tablets?|pills?|prescription|(?:repeat )?script|depot(?: injection)?|"
             r"injections?|inhaler|insulin|methadone|subutex|buvidal|anti-?depressants?|anti-?psychotics?|"
             r"mood stabilisers?|sertraline|citalopram|fluoxetine|mirtazapine|venlafaxine|olanzapine|quetiapine|"
             r"aripiprazole|risperidone|clozapine|lithium|zopiclone|diazepam|tramadol|codeine|co-codamol|"
             r"epilepsy tablets|my repeat|(?:methadone )?pick-?ups?)")
_SUBSTANCE = (r"(?:drink|booze|cans|vodka|cider|lager|beers?|pints|spirits|whisky|gear|brown|heroin|smack|crack|white|"
              r"(?<!\ba )coke|cocaine|charlie|weed|cannabis|skunk|spice|mamba|ket|ketamine|benzos|street valium|valium|"
              r"pregabalin|gabapentin|mdma|ecstasy|speed|amphetamines?|meth|street methadone)")
_WEAPON = (r"(?:knife(?! skills| and fork)|knives(?! and forks)|blades?|machetes?|guns?|firearms?|pistol|shotgun|"
           r"shank|shooter|crossbow|weapons?|knuckle[- ]?dusters?|(?:pepper|cs) spray|taser|stun gun|baseball bat|"
           r"(?:my|his|a) strap|(?:metal|iron) (?:pipe|bar))")
_OWN = r"(?:(?!her\b|his\b|their\b)[\w']+ ){0,3}?"  # up to three words, none making it someone else's medicine
_CHILD = r"(?:kids?|children|child|baby|little ones?|son|daughter|boy|girl|eldest|youngest|nephews?|nieces?)"
_PERSON_OBJECT = r"(?:him|her|them|someone|somebody|a (?:lad|bloke|guy|man|woman|girl|bouncer))"

# Hitting or grabbing someone is violence; it is domestic abuse where a partner is in the conversation.
_PHYSICAL = phrases(r"(?:hit|hitting|pushed|push|shoved|grabbed|strangled|choked|slapped|kicked|headbutted|pinned|"
               r"punched|throttled) (?:me|her|him)", r"threw (?:\w+ ){1,2}at (?:me|her|him)")
_PARTNER = phrases(r"partner", r"girlfriend", r"boyfriend", r"wife", r"husband", r"(?:my|her|his|your) ex", r"missus",
              r"fianc[ée]e?", r"relationship", r"we had (?:a|an) (?:row|argument|barney)", r"(?:the|a|an) argument")

CATEGORIES = {
    "self-harm or suicide": phrases(
        r"(?:hurt|harm|kill|hang|top|cut|burn|burnt|burned|slashed|cutting|topping|topped)(?:ing|ed)? "
        r"(?:myself|yourself|himself|herself)"
        r"(?! shaving| on (?:a|the)| cooking| by accident)",
        r"(?:tried|try|trying) to (?:kill|hang|end|top) (?:myself|yourself|himself|herself|it all|my life|your life)",
        r"end(?:ing)? (?:it all|my life|your life)", r"(?:end|ending) it(?! (?:with|between|off))(?= *(?:[.,!?]|$|all))",
        r"take my (?:own )?life", r"not worth living", r"life(?:'s| is) not worth", r"suicid\w*", r"self[- ]?harm\w*",
        r"(?:took|taken|take|had|necked|swallowed|downed) (?:an? )?(?:overdose|load of|whole (?:box|packet) of)",
        r"overdosed", r"od'd",
        r"(?:cutting|slashing|burning|scratching) again",
        r"(?:cut|cutting|slash(?:ed|ing)?|burn(?:t|ed|ing)?|scratch(?:ed|ing)?) (?:my|your) (?:arms?|legs?|wrists?|"
        r"skin|thighs?|stomach)",
        r"(?:box|packet|bottle) of (?:paracetamol|pills|tablets)",
        rf"(?:saving|saved|stockpil\w*|hoard\w*) (?:up )?(?:all )?(?:my |your |the )?{_MEDICINE}",
        r"(?:rope|belt|cord|ligature) (?:round|around) (?:my|your|his|her) neck", r"ligature",
        r"thinking (?:about|of) (?:jumping|going over|ending|doing it|killing)",
        r"(?:in front of|under) (?:a|the) (?:train|bus|lorry)", r"(?:jump|jumping|going over) off",
        r"don't want to (?:be here|be alive|wake up|go on)", r"(?:rather|better) (?:just )?not (?:be here|wake up)",
        r"(?:easier|better) if i (?:just )?(?:didn't|did not|never|don't) wake up",
        r"wouldn't mind if (?:it happened|i died|i didn't wake up|i wasn't here)",
        r"better off (?:without me|dead|if i (?:just )?(?:wasn't|weren't) (?:here|around))",
        r"want (?:it all|everything) to (?:stop|end)", r"(?:no|don't see the|can't see the) point (?:in )?(?:living|"
        r"going on|anymore|any more|waking up|carrying on)",
        r"(?:worked out|planned|thought about) how (?:i'd|i would|to|you'd) do it",
        r"not (?:gonna|going to) be (?:here|around) (?:much )?(?:longer|for long)",
        r"(?:goodbye|suicide) (?:note|letter)s?", r"letters? to .{0,40}just in case", r"crisis team",
        r"home treatment team", r"(?:those|them|the|dark|bad) thoughts (?:are|have) (?:back|come back|returned)"),
    "threats or violence": phrases(
        rf"(?:kill|batter|stab|smash|hurt|do|sort|glass|bottle|stamp on|jump|knock) {_PERSON_OBJECT}(?: out| in| over)?",
        r"threat(?:en\w*|s)?(?! (?:of|with|to) (?:eviction|evict|court|my tenancy|the tenancy|recall|breach)|"
        r" (?:me |us |him |her )?with (?:eviction|court|the bailiffs|recall))", r"(?:a|the) (?:fight|scrap|ruck)", r"had a (?:fight|scrap|ruck)", r"assault\w*",
        r"lost (?:my temper|it with)", r"kicked off", r"get (?:him|her|them) back", r"revenge",
        rf"(?:glassed|stabbed|battered|bottled|headbutted|jumped|lamped|decked|floored|kicking|kicked|punched|"
        rf"punching|beat up|beaten up) {_PERSON_OBJECT}",
        r"(?:break|smash|stamp on|kick in|cave in|do) (?:his|her|their|your) (?:jaw|head|face|legs?|teeth|nose)",
        r"split (?:his|her|their) (?:head|lip|face)", r"broke (?:his|her) (?:jaw|nose|arm|ribs)",
        r"put (?:him|her) through", r"punched (?:the|a) (?:door|wall|window)", r"got into it with",
        r"dead man walking", r"knows? what's coming", r"(?:had|has) it coming",
        r"i know where (?:he|she|they) (?:lives?|parks?|works?|drinks?)", r"set fire to", r"burn (?:\w+ ){0,2}down",
        _PHYSICAL.pattern),
    "weapons": phrases(_WEAPON, r"carrying(?! (?:the |my |his |her |some |a |a few )?(?:shopping|bags?|boxes|baby|kids?|"
                   r"stuff|weight|on|the can)\b)",
                   r"for (?:my )?protection",
                   r"(?:bat|hammer|bar) (?:behind|by|next to|under|down the side of)",
                   r"(?:pipe|bar|blade) up (?:my|his) sleeve"),
    # Children are a safeguarding matter where child protection is involved or contact is at stake, not
    # whenever they are mentioned ("a bit crowded with the kids").
    "children": phrases(
        r"social services?", r"child protection", r"social workers?", r"children's services?",
        r"(?:children's )?social care", r"child in need", r"safeguarding", r"case conference", r"cp plan",
        r"into care", r"health visitor", r"raised concerns?", r"unsupervised", r"babysit\w*",
        rf"(?:alone|on (?:my|your|his|her|their) own) with (?:the |my |his |her |their )?{_CHILD}", rf"{_CHILD} (?:are |were )?involved",
        rf"(?:contact with|access to|see|seeing) (?:the|my|his|her|their) {_CHILD}",
        rf"in front of (?:the|my|his|her|their) {_CHILD}",
        rf"{_CHILD} (?:was|were|are|is) (?:there|present|around|in the (?:house|room|flat))",
        rf"{_CHILD} (?:saw|heard|witnessed|see|hear|seen)", rf"{_CHILD} (?:are|were|is|being) (?:safe|at risk)",
        rf"(?:take|taken|took|taking) (?:the |my |her |his )?{_CHILD} (?:off|away)",
        rf"left (?:the|my|her|his) {_CHILD} (?:on (?:their|his|her) own|alone|home alone)",
        rf"(?:have|had|having) (?:the|my|his|her) {_CHILD} (?:overnight|to stay|for the weekend)",
        rf"(?:not|n't) (?:meant|supposed|allowed) to (?:see|pick up|have|be around|contact|go near) .{{0,30}}{_CHILD}",
        rf"{_CHILD}\w* .{{0,30}}without (?:anyone|anybody|supervision|a supervisor)",
        r"(?:she's|he's|she is|he is) (?:twelve|thirteen|fourteen|fifteen)", r"underage",
        r"(?:has|with) (?:a|an) (?:\w+-year-old|little one)"),
    "domestic abuse": phrases(
        r"domestic", r"controlling (?:behaviour|her|him|me|relationship)",
        r"(?:i'm|i am|he's|he is|she's|she is|being|really|so) controlling", r"tell (?:her|him) what to wear", r"coercive", r"restraining order", r"non[- ]molestation", r"got physical",
        r"(?:her|his) ex\b", r"police (?:were|was|got) called", r"police (?:came|turned up|came round) .{0,20}"
        r"(?:ours|our|my|her|the) (?:house|flat|place|address)", r"neighbours? (?:heard|called|rang)", r"marac",
        r"(?:check|checking|checked|go(?:ing)? through|went through|look(?:ing)? at|looked at|read(?:ing)?) "
        r"(?:her|his|my partner's|your partner's) (?:phone|messages|texts)", r"(?:track\w*|know|check\w*) (?:where )?(?:her|his) location", r"(?:her|his) location on my",
        r"tracker on (?:her|his)",
        r"(?:takes?|took|taking|taken) (?:my|her|his) phone", r"phone off (?:me|her|him)",
        r"(?:her|his) (?:own )?bank card", r"(?:control|controls|sort|handle) all (?:the|her|his|our) money",
        r"ask (?:him|her) for (?:money|bus fare|cash)", r"(?:don't|doesn't|won't|didn't) (?:like|let) (?:her|him) (?:seeing|see|go|going out)",
        r"who (?:she|he) (?:can|could|was|is) (?:talk|see|text|leaving|talking|texting|with)",
        r"(?:waited|waiting|sat|sitting) outside (?:her|his) (?:work|house|flat|mum's)",
        r"(?:sixty|fifty|forty|thirty|hundred|hundreds of|loads of|\d{2,}) (?:messages|texts|calls)",
        r"withheld number",
        r"(?:won't|will never|never) (?:see|get) the kids again", r"(?:never|won't) (?:leave|let me leave) (?:him|her)"),
    "missed medication": phrases(
        rf"(?:stopped|stop|skipp(?:ed|ing)|miss(?:ed|ing)|forg(?:et|etting|ot|otten)|binn(?:ed|ing)|flush(?:ed|ing)|"
        rf"halv(?:ed|ing)|c[oa]m(?:e|ing) off|ran out of|run out of) {_OWN}{_MEDICINE}",
        rf"(?:not|haven't|hasn't|ain't|didn't|never) (?:been )?(?:taking|taken|take|had|have|doing|collected|collect|"
        rf"picked|pick|got|get|go and pick) {_OWN}{_MEDICINE}",
        rf"{_MEDICINE}(?:'s| has| is)? (?:\w+ ){{0,2}}?(?:ran out|run out|overdue|stopped|sitting at the)",
        rf"only take (?:\w+ ){{0,2}}{_MEDICINE} (?:when|if|sometimes)", rf"without (?:my|your|his|her) {_MEDICINE}"),
    "relapse": phrases(
        r"relapsed?", r"(?:used|using) again", rf"(?:used|using) {_SUBSTANCE}", r"picked up again", r"had a dig",
        rf"back on (?:the )?{_SUBSTANCE}", rf"on (?:it|the {_SUBSTANCE}) (?:again|all weekend|every day|all week)",
        r"(?:fell|fallen|falling) off the wagon", r"(?:a |couple of |few )slips?", r"slipped up",
        rf"(?:scored|bought|buying|got hold of|picked up) (?:some |a bit of |a )?{_SUBSTANCE}",
        rf"(?:getting|got|get) (?:some |a bit of )?{_SUBSTANCE} (?:off|from)",
        rf"(?:had|took|taking|doing|done|did|smoked|smoking|sniffed|snorted|injected|having) (?:a |some |a bit (?:of|on) |"
        rf"a few |loads of |a couple of |a few lines of |lines of |a line of )?{_SUBSTANCE}"
        r"(?! of (?:water|tea|coffee|juice|pop|squash|milk))",
        r"had a (?:drink|drinks|few drinks|bit of a drink|smoke|line)(?! of (?:water|tea|coffee|juice|pop|squash|milk))",
        r"been drinking", r"started drinking", r"drinking again", r"took (?:some|a bit of)",
        r"(?:two|three|four|five|six|seven|eight|nine|ten|\d+|couple of|few) (?:cans|pints|shots|bottles)",
        r"test (?:was|is|came back) positive", r"positive (?:drug )?test", r"positive for \w+",
        r"first time in (?:\w+ ){1,2}(?:months|years|weeks)",
        r"(?:after|since) (?:\w+ ){1,2}(?:months|years|weeks) (?:sober|clean|off it|dry)",
        r"topping up (?:my |your |the )?script", r"gave in and had", rf"(?:been|was) (?:a bit (?:of|on)|some) {_SUBSTANCE}"),
}

# "I'm not gonna lie" and the like are not negations of what follows.
_NOT_NEGATING = re.compile(r"\b(?:(?:i'm |i am )?not (?:gonna|going to) lie(?: to you)?|no word of a lie|"
                           r"don't get me wrong|not being funny|i'm not saying)\b,?", re.I)
_NEGATION = re.compile(r"\b(?:not|never|no|haven't|hasn't|didn't|don't|won't|wouldn't|nothing|none)\b[^.?!]{0,25}$",
                      re.I)
_PAST = phrases(r"years (?:ago|back)", r"back in the day", r"when i was (?:younger|a kid|a teenager|young)",
            r"(?:a long time|ages) ago", r"in the past", r"closed the case", r"case (?:is |was |has been |'s been )?closed")
_CURRENT = phrases(r"again", r"this (?:week|weekend|morning|month)", r"last (?:night|week|weekend)", r"recently", r"lately",
               r"at the moment", r"these days", r"are back", r"come back", r"since i (?:last )?saw you")
_MEDICATION_QUESTION = phrases(rf"(?:still )?(?:taking|take|on) (?:it|them|your {_MEDICINE}|the {_MEDICINE})",
                           rf"(?:taking|take) {_MEDICINE}")
_NO_ANSWER = re.compile(r"^\W*(?:no|nope|never|not really|not at all|nothing|none|i haven't|i have not|i didn't|"
                       r"i did not|i don't|i do not|i'm not|i am not)\b", re.I)
_NOT_TAKING = re.compile(r"^\W*(?:no|nope|not really|not always|not every day|sometimes|now and again|on and off|"
                         r"(?:i(?:'ve)? )?(?:stopped|came off|ran out|forgot|forget)|i haven't|i have not|i'm not|"
                         r"i am not|i don't)\b", re.I)


# "I've stopped taking it" is missed medication where the conversation is about medication.
_STOPPED_IT = phrases(r"(?:stopped|stop|not been|haven't been|given up|gave up) taking (?:it|them)"
                  r"(?! seriously| personally| to heart| in\b| out\b| back\b)", r"c[oa]me off (?:it|them)")
_MEDICINE_WORD = phrases(_MEDICINE)


def _disclosed(pattern: re.Pattern, text: str) -> bool:
    return any(not _NEGATION.search(text[:m.start()]) for m in pattern.finditer(text))


def categories(sentence: str, context: str = "") -> list[str]:
    """The risk categories ``sentence`` discloses. ``context``: the conversation up to it (a physical act
    with a partner in it is domestic abuse; "I stopped taking it" after talk of medication is missed
    medication)."""
    text = _NOT_NEGATING.sub("", sentence)
    if _PAST.search(text) and not _CURRENT.search(text):
        return []
    found = [name for name, pattern in CATEGORIES.items() if _disclosed(pattern, text)]
    if "missed medication" not in found and _disclosed(_STOPPED_IT, text) and _MEDICINE_WORD.search(context):
        found.append("missed medication")
    if "threats or violence" in found and "domestic abuse" not in found and _PHYSICAL.search(text) \
            and _PARTNER.search(context + " " + text):
        found[found.index("threats or violence")] = "domestic abuse"
    return found


def is_no_answer(answer: str) -> bool:
    """Whether a reply to a risk question says no ("No, nothing.", "Not really", "I haven't")."""
    return bool(_NO_ANSWER.match(answer))


def categories_answered(question: str, answer: str, context: str = "") -> list[str]:
    """The risk categories a question discloses, given its answer: "Any thoughts of harming yourself?" "No."
    discloses nothing; "Are you still taking your tablets?" "Not really." is missed medication."""
    if _MEDICATION_QUESTION.search(question) and _NOT_TAKING.match(answer):
        return ["missed medication"]
    return [] if _NO_ANSWER.match(answer) else categories(question, context)
