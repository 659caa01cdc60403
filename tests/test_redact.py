"""Redaction on hand-written probation talk: every identifier kind, spoken and split forms, decoys,
placeholders, policy, and the leak check. (Real-audio end to end is in test_redact_audio.py.)"""

import re

import pytest

from transcribe.options import RedactionOptions
from transcribe.redact import Document, Redactor, check_for_leaks
from transcribe.redact.identifiers import cro_valid, find_identifiers, nhs_number_valid, pnc_valid


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


def labels_in(redactor, *texts):
    """(text, label) of what is redacted, piece by piece where an identifier is said over several utterances."""
    doc = Document(list(texts))
    return [(doc.texts[i][a:b], s.label) for s in redactor.detect(doc) for i, a, b in doc.split(s)]


def shown(redactor, *texts):
    return " || ".join(redactor.redact(list(texts)).texts)


# -- check digits ---------------------------------------------------------------------------------------------
def test_nhs_number_checksum():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")  # wrong check digit
    assert not nhs_number_valid("1234567890")


def test_pnc_and_cro_check_letters():
    assert pnc_valid("11", "0210358", "R") and pnc_valid("2021", "949050", "V")
    assert not pnc_valid("11", "0210358", "S")
    assert cro_valid("19", "175135", "M") and not cro_valid("19", "175135", "N")


@pytest.mark.parametrize("text,label", [
    # QQ is not an allocated prefix, but a NINO-shaped code is never published (a misheard one is still his).
    ("My NI number is QQ123456C", "NINO"),
    ("My NI number is AB123456C", "NINO"),
    ("it's J G, one two, three four, five six, A", "NINO"),
    ("NHS number 943 476 5919", "NHS_NUMBER"),
    ("NHS number nine four three, four seven six, five nine one nine", "NHS_NUMBER"),
    ("PNC is 11/0210358R", "PNC_ID"),
    ("CRO 175135/19M", "CRO_NUMBER"),
    ("prison number A1234BC", "PRISON_NUMBER"),
    ("prison number G three nine seven four G U", "PRISON_NUMBER"),
    ("CRN is X123456", "CRN"),
    ("postcode ls6 2ab", "POSTCODE"),
    ("postcode L S six, two A B", "POSTCODE"),
    ("ring me on 07700 900123", "PHONE"),
    ("ring me on oh seven seven double oh, nine double oh, one two three", "PHONE"),
    ("landline 0113 496 0000", "PHONE"),
    ("call +44 7700 900123", "PHONE"),
    ("reg is AB12 CDE", "VEHICLE_REG"),
    ("email jo.bloggs77@gmail.com", "EMAIL"),
    ("it's jo dot bloggs at gmail dot co dot uk", "EMAIL"),
])
def test_identifier_formats(redactor, text, label):
    found = [lbl for _, lbl in labels_in(redactor, text) if lbl not in ("PERSON", "LOCATION")]
    assert found == ([label] if label else []), found


def test_invalid_check_digits_are_not_identifiers():
    doc = Document(["NHS number 943 476 5918 and PNC 11/0210358S"])
    assert [s.label for s in find_identifiers(doc)] == []


def test_bank_details_need_banking_context(redactor):
    assert labels_in(redactor, "sort code 20-00-00, account 12345678") == [
        ("20-00-00", "BANK_ACCOUNT"), ("12345678", "BANK_ACCOUNT")]
    assert labels_in(redactor, "I did 12345678 steps") == []


def test_number_split_across_utterances(redactor):
    text = shown(redactor, "my number's oh seven seven double oh", "nine double oh, one two three")
    assert "seven" not in text and "nine" not in text
    assert text.count("[PHONE 1]") == 2


# -- names, places, addresses, dates ------------------------------------------------------------------------
def test_names_said_clearly_once_are_redacted_everywhere(redactor):
    text = shown(redactor, "My partner Kerry-Ann Walsh is pregnant.", "Does kerry-ann know about the curfew?",
                 "Walsh said so.")
    assert "Kerry" not in text and "kerry" not in text and "Walsh" not in text
    assert text.count("[PERSON 1]") == 3  # the same person keeps one placeholder


def test_spelled_names(redactor):
    text = shown(redactor, "my surname's smith, that's S-M-I-T-H.")
    assert "smith" not in text.lower() and "S-M" not in text


def test_a_day_before_a_kind_of_place_is_no_venue(redactor):
    text = "I go Sunday church with my nan. Monday gym, then work."
    assert shown(redactor, text) == text


def test_common_words_that_are_also_names_survive(redactor):
    kept = "I hope so. Mark my words, the bill came in. Will you ring me? I will."
    assert shown(redactor, kept) == kept


def test_common_word_names_are_redacted_in_name_contexts(redactor):
    text = shown(redactor, "I'm staying with my cousin Hope in Rotherham.", "Is Hope OK with that?")
    assert "Hope" not in text and "Rotherham" not in text


def test_dates_of_birth_but_not_appointments(redactor):
    text = shown(redactor, "What's your date of birth?", "Fifth of May, ninety-one.",
                 "Next appointment is Tuesday the 3rd of June at 2pm.", "Court was on 3 May 2024.")
    assert "Fifth of May" not in text and "ninety-one" not in text
    assert "Tuesday the 3rd of June at 2pm" in text and "3 May 2024" in text


def test_a_list_of_dates_of_birth_asked_for_together(redactor):
    """A plural birth word announces a list: each date with a year soon after the last; a date all in ordinals
    with a last-century year is one of birth whatever was asked."""
    text = shown(redactor, "I need the children's dates of birth for the referral.", "Right. Lacey-Jo, fourth of",
                 "Mm-hm.", "March, twenty fifteen.", "And Tyler?", "Twelve three eighteen.", "Sorry, the twelfth of",
                 "March twenty eighteen?", "Yes.", "Now I'm off.", "Hang on, and yours?", "Ninth of the tenth, eighty-seven.",
                 "See you Friday the 14th of March.")
    for said in ("fourth", "twenty fifteen", "Twelve three eighteen", "twelfth", "March twenty eighteen",
                 "Ninth of the tenth, eighty-seven"):
        assert said not in text, (said, text)
    assert "Friday the 14th of March" in text


def test_dates_of_birth_as_the_recogniser_and_people_say_them(redactor):
    """Year first; misheard months; a two-digit old year; said in pieces with trailing dots; put right in the
    same breath; offered as alternatives; a year with "D.O.B." or "year of birth"; a day alone after "birthday".
    Dates near them that are not births stay."""
    cases = [
        (["Can I take your mum's date of birth?", "Nineteen sixty-one, the eighth of April."], ["Nineteen sixty-one"]),
        (["Partner's details?", "Jade Price, 2002, March 14th."], ["2002, March 14th"]),
        (["And yours is the 3rd of Octo ber 88?"], ["3rd of Octo ber 88"]),
        (["The system's got you down as 9 Febuary 93."], ["9 Febuary 93"]),
        (["He was born the twenty-second of...", "Go on.", "...November, two thousand and three."],
         ["twenty-second", "November, two thousand and three"]),
        (["Her birthday's the 6th of Jew Lie 79, no wait, the 7th."], ["6th of Jew Lie 79", "7th"]),
        (["Your date of birth, is it the 2nd of May 85 or the 12th of May 85?"], ["12th of May 85"]),
        (["Is 91 your year of birth?", "Yeah."], ["91"]),
        (["His D.O.B. 1987, and he's on the list."], ["1987"]),
        (["She was born sixty-eight, not sixty-nine."], ["sixty-eight", "sixty-nine"]),
        (["My brother's birthday is the fourteenth, same as the hearing."], ["fourteenth"]),
        (["7/7/02 who did you buy it off"], ["7/7/02"]),  # a two-digit year of this century, long enough ago
    ]
    for texts, hidden in cases:
        text = shown(redactor, *texts)
        for said in hidden:
            assert said not in text, (said, text)
    kept = shown(redactor, "Her birthday's the 6th, and the review is the 20th of May 2026.",
                 "Your licence ends the 6th of May 2027, same day as your birthday, the 6th of May.")
    assert "20th of May 2026" in kept and "6th of May 2027" in kept, kept
    assert "11th of July, 10:45" in shown(redactor, "Let's make sure it doesn't happen. The 11th of July, 10:45.")
    assert "Yeah. Seventy-one." in shown(redactor, "I'm sorry about your dad. He was seventy-one?", "Yeah. Seventy-one.")


def test_a_date_year_is_no_piece_of_an_identifier_said_later(redactor):
    text = shown(redactor, "The form wants the kids' birthdays.", "Kai's the 2nd of June 2016, no, sorry.",
                 "And your national insurance?", "It's P R one six two zero one four C.")
    assert "2nd of June 2016" not in text and "one six two" not in text, text


def test_welsh_street_names_and_prisons_in_lower_case(redactor):
    text = shown(redactor, "You can't go near 14 Heol y Felin.", "she's moved to 8 ffordd glan", "he's in hmp ranby")
    assert "Heol y Felin" not in text and "ffordd glan" not in text and "ranby" not in text, text


def test_weak_zeros_side_by_side_in_a_number(redactor):
    text = shown(redactor, "what's your mobile", "seven nine all all three four all all six two one")
    assert "all all three" not in text and "six two one" not in text, text


def test_older_plates_emails_read_with_asides_and_written_sort_codes(redactor):
    """Twelfth round: prefix and suffix plates (never a spelled name read with "O" as zero); a mailbox name
    read with "all one word" and a number; "hat" heard for "at"; a sort code written with hyphens beside a bank
    word, before any longer reading of its digits."""
    text = shown(redactor, "The courtesy car's M482 RFT.", "My nan's old Escort was K L W five one seven X.",
                 "It's dean walsh seventy-seven, all one word, at yahoo dot co dot uk.", "or tash hat gmail dot com",
                 "Bank's Monzo, sort code 04-00-75, account 3914 2288.")
    for said in ("M482 RFT", "K L W five one seven X", "dean walsh seventy-seven", "tash hat gmail", "04-00-75",
                 "3914 2288"):
        assert said not in text, (said, text)
    spelled = labels_in(redactor, "Surname's Pope?", "No, P O P O V, Popov.", "Duration 0 min 12 s")
    assert "VEHICLE_REG" not in {label for _, label in spelled}, spelled


def test_a_house_number_is_no_piece_of_a_number_read_out_nearby(redactor):
    text = shown(redactor, "Your NHS number is four eight five, seven seven one, two three four four.",
                 "And the address, flat 2, 71 Marsh Lane?", "No, I've moved.")
    assert "Marsh Lane" not in text and "[ADDRESS" in text.split("||")[1] and "NHS NUMBER" not in text.split("||")[1], text


def test_a_registration_said_around_an_interjection_or_with_the_letter_o(redactor):
    texts = ["The reg is papa golf one nine...", "Yeah.", "Lima Oscar Echo.", "And the van's Y D seventy T O N."]
    result = redactor.redact(texts)
    assert result.texts[1] == "Yeah." and {r.label for r in result.redactions} == {"VEHICLE_REG"}, result
    assert "golf" not in result.texts[0] and "Oscar" not in result.texts[2] and "seventy" not in result.texts[3]


def test_entity_starting_with_punctuation(redactor):
    """spaCy tags ", morning" as a time here; the bare comma once crashed the decoy trimming."""
    text = "What hours are they giving you? 25 a week for now, morning mostly. He said there might be more."
    assert shown(redactor, text) == text


def test_times_of_day_are_not_names(redactor):
    """Whisper writes "11 AM"; "Am" is also in the given-name list, so it was once redacted as a person."""
    times = "Wednesday the 10th at 11 AM, or 3 PM on Friday. 9 a.m. suits me."
    assert shown(redactor, times) == times


def test_programme_names_are_not_people(redactor):
    """spaCy tagged "Healthy Relationships" as a person; a given name before "programme" still is one."""
    text = "I'll refer you to the Healthy Relationships programme and the Thinking Skills course."
    assert shown(redactor, text) == text
    assert shown(redactor, "Ask the Kacper Nowak team.") == "Ask the [PERSON 1] team."


def test_clock_times_are_not_places(redactor):
    """"Quarter" is also a village in the gazetteer; "Quarter past 2" is the appointment time."""
    text = "Tuesday the 9th. Quarter past 2. Here. Or Half past ten."
    assert shown(redactor, text) == text
    assert shown(redactor, "He moved to Quarter last year.") == "He moved to [PLACE 1] last year."


def test_addresses_venues_and_towns(redactor):
    text = shown(redactor, "I'm at flat 4, 19 harehills lane now, near the Red Lion.",
                 "I was in HMP Leeds, then Elm Bank approved premises.",
                 "I start at Pennine Fencing in Keighley on Monday.")
    for value in ("19 harehills lane", "Red Lion", "HMP Leeds", "Elm Bank", "Pennine Fencing", "Keighley"):
        assert value not in text, value


def test_decoys_survive(redactor):
    decoys = ("I'm on methadone and Universal Credit, £340 a month, PIP pending. I rang the Samaritans "
              "and the jobcentre. I'm 25, I do 40 hours a week, back at the magistrates on Monday at 10.")
    assert shown(redactor, decoys) == decoys


def test_placeholders_are_numbered_by_first_appearance(redactor):
    result = redactor.redact(["Dean rang Tyler.", "Then Dean rang 07700 900123."])
    assert result.texts == ["[PERSON 1] rang [PERSON 2].", "Then [PERSON 1] rang [PHONE 1]."]
    assert [(r.segment, r.label, r.placeholder) for r in result.redactions] == [
        (0, "PERSON", "[PERSON 1]"), (0, "PERSON", "[PERSON 2]"), (1, "PERSON", "[PERSON 1]"),
        (1, "PHONE", "[PHONE 1]")]
    # offsets point into the original text, and never carry the value
    assert ["Dean", "Tyler", "Dean", "07700 900123"] == [
        ["Dean rang Tyler.", "Then Dean rang 07700 900123."][r.segment][r.start:r.end] for r in result.redactions]


# -- policy -----------------------------------------------------------------------------------------------------
def test_officer_name_can_be_kept_and_deny_list_always_redacted():
    redactor = Redactor(RedactionOptions(keep_names=("Joanne Walsh",), deny_list=("Blue Door",)))
    text = shown(redactor, "Cheers Joanne.", "Stay away from the blue door cafe.")
    assert "Joanne" in text and "blue door" not in text.lower()


def test_labels_can_be_limited():
    redactor = Redactor(RedactionOptions(labels=frozenset({"PHONE"})))
    assert shown(redactor, "Kacper's number is 07700 900123.") == "Kacper's number is [PHONE 1]."


def test_unknown_label_is_rejected():
    with pytest.raises(ValueError, match="unknown redaction label"):
        RedactionOptions(labels=frozenset({"SHOE_SIZE"}))


# -- leak check -------------------------------------------------------------------------------------------------
def test_leak_check_catches_planted_identifier_and_original_value():
    clean = "[00:00:01] SPEAKER_00: Ring [PERSON 1] on [PHONE 1]."
    originals = [("PERSON", "Kacper"), ("PHONE", "oh seven seven double oh, nine double oh, one two three")]
    assert check_for_leaks(clean, originals) == []
    assert check_for_leaks(clean + " Kacper said hi.", originals) == ["a redacted PERSON value"]
    # the same phone number written differently is still a leak
    assert "a redacted PHONE value" in check_for_leaks(clean + " 07700 900123", originals)
    # an identifier the redactor never saw
    planted = clean + " NHS 943 476 5919"
    assert check_for_leaks(planted, originals) == [f"a NHS_NUMBER pattern at character {planted.index('943')}"]


def test_a_letter_of_an_identifier_said_alone_is_not_looked_for_as_a_word(redactor):
    """The last letter of a NINO given as "Be." or "D for delta" is redacted there; "be" and "D" elsewhere in the
    transcript are words, not a leak of it (the check would refuse to publish every such transcript)."""
    texts = ["Your NI number, please.", "J T sixty, fourteen, eighty-three.", "And the suffix?", "Be.",
             "Be there at ten.", "Was it a D?", "D for delta.", "Plan D is the hostel."]
    result = redactor.redact(texts)
    originals = sorted({(r.label, texts[r.segment][r.start:r.end]) for r in result.redactions})
    assert ("NINO", "Be") in originals, originals
    assert check_for_leaks("\n".join(result.texts), originals) == []
    assert "a redacted NINO value" in check_for_leaks("J T six oh one four eight three", originals)


def test_a_leaking_document_is_never_written(tmp_path):
    """If redaction missed something the render-time scan finds, the job fails and nothing is published."""
    from transcribe.publish import write_outputs
    from transcribe.records import Segment, Source, Transcript, Word
    from transcribe.redact import LeakError

    text = "My NHS number is 943 476 5919."
    segment = Segment(0.0, 2.0, "SPEAKER_00", text, [Word(0.0, 2.0, text, 0.9, "SPEAKER_00")], redacted_text=text)
    transcript = Transcript(Source("x.wav", "0" * 64, 2.0), "en", {"asr": "a", "diarisation": "d"}, [], [], [segment])
    with pytest.raises(LeakError, match="NHS_NUMBER pattern; nothing was published|failed the leak check"):
        write_outputs(transcript, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_subtitle_timings_are_not_read_as_identifiers(tmp_path):
    """"Neither did I." followed by a cue at 00:00:10 once read as the case reference "I000010", and the
    whole recording failed the leak check."""
    from transcribe.publish import write_outputs
    from transcribe.records import Segment, Source, Transcript, Word

    segments = [Segment(start, start + 0.7, "SPEAKER_00", text, [Word(start, start + 0.7, text, 0.9, "SPEAKER_00")],
                        redacted_text=text)
                for start, text in ((9.97, "Neither did I."), (10.89, "Okay."))]
    transcript = Transcript(Source("x.wav", "0" * 64, 12.0), "en", {"asr": "a", "diarisation": "d"}, [], [], segments)
    outputs = write_outputs(transcript, tmp_path / "out")
    assert "00:00:10.890 --> 00:00:11.590" in (outputs.directory / "transcript.vtt").read_text()


def test_document_timestamps_beside_banking_words_are_not_bank_details(tmp_path):
    """Two synthesised sessions failed the leak check when the service published them (issue 11): in the Word
    file "[00:03:15]" beside "bank" read as a sort code. The documents' own numbers are not what was said."""
    from transcribe.publish import write_outputs
    from transcribe.records import Segment, Source, Transcript, Word
    from transcribe.render import docx_text

    segments = [Segment(start, start + 2, "SPEAKER_00", text, [Word(start, start + 2, text, 0.9, "SPEAKER_00")],
                        redacted_text=text)
                for start, text in ((195.0, "I went to the bank about my account."), (199.5, "They said they'd sort it."))]
    transcript = Transcript(Source("x.wav", "0" * 64, 202.0), "en", {"asr": "a", "diarisation": "d"}, [], [], segments)
    outputs = write_outputs(transcript, tmp_path / "out")
    assert "[00:03:15]" in docx_text(outputs.transcript_docx.read_bytes())
    # A sort code said beside the same words is still caught.
    assert check_for_leaks("[timing] I went to the bank, sort code 40 11 62.", []) == \
        ["a BANK_ACCOUNT pattern at character 39"]


# -- what no format explains: redacted by shape (issue 13) -----------------------------------------------------
@pytest.mark.parametrize("text", [
    "It's O79460012345",  # a stray letter before a phone number
    "so 794600123, that's my mobile",  # "so" for "oh", a digit missing
    "7 -9 -4 -6 -0 -0 -1 -2 -3",  # a hyphen between every digit
    "the number on the letter is 82605514462",  # an NHS number with a digit doubled
    "my national insurance is kl38291d",  # a digit dropped
    "my national insurance is QKL382910D",  # a letter added
    "the reference is 4 1 7 2 0 6 9",
    "account 4172069, that's only seven digits",
])
def test_garbled_identifiers_are_redacted_by_shape(redactor, text):
    result = redactor.redact([text]).texts[0]
    assert not re.search(r"(?:\d\W*){6}", result) and not re.search(r"[A-Za-z]+\d{4,}|\d{4,}[A-Za-z]", result), result


@pytest.mark.parametrize("text", [
    "I earn £1,250 a month and pay £125,000 off in 30 years",
    "It was 100,000 miles on the clock, 16 hours a week",
    "Ring the Samaritans on 116 123 or 111, any time",
    "See you on the 14th at 10:30, then the 21st at 2:30",
    "That's 6 points and a 12 month ban, 28 days to pay",
    "I did 150 hours, then 240 hours, then 300 hours of unpaid work",
])
def test_numbers_that_identify_nobody_stay_readable(redactor, text):
    assert redactor.redact([text]).texts[0] == text


def test_a_number_said_in_pieces_around_interjections_is_redacted_in_every_piece(redactor):
    texts = ["It's on this letter. 5 5 2", "Go on.", "2 7 3...", "Yeah.", "1 4 4 3.", "Lovely, and your GP?"]
    result = redactor.redact(texts).texts
    assert result[1] == "Go on." and result[3] == "Yeah." and result[5] == texts[5]  # the interjections stay
    assert not any(re.search(r"\d", re.sub(r"\[[A-Z ]+ \d+\]", "", t)) for t in result[:5]), result


def test_pieces_of_a_read_back_identifier_take_its_label(redactor):
    texts = ["Nine three five.", "Yeah.", "One seven nine.", "So that's 935 179 7724?", "Seven seven two four."]
    labels = {r.label for r in redactor.redact(texts).redactions}
    assert redactor.redact(texts).texts[1] == "Yeah." and not labels - {"NHS_NUMBER", "NUMBER"}


def test_a_recorder_file_name_full_of_digits_is_masked_rather_than_failing_the_leak_check(tmp_path):
    from transcribe.publish import write_outputs
    from transcribe.records import Segment, Source, Speaker, Transcript, Word
    from transcribe.render import docx_text

    text = "Morning, how have you been?"
    transcript = Transcript(Source("REC_20241203_101500.m4a", "0" * 64, 3.0), "en", {"asr": "t", "diarisation": "t"},
                            [Speaker("SPEAKER_00", 3.0)], [],
                            [Segment(0.0, 3.0, "SPEAKER_00", text, [Word(0.0, 3.0, text, 0.9)], redacted_text=text)])
    outputs = write_outputs(transcript, tmp_path / "out")
    shared = docx_text((outputs.directory / "transcript.docx").read_bytes())
    assert "20241203" not in shared and "REC_[NUMBER]" in shared


@pytest.mark.parametrize("texts,label,value", [
    (["So you've moved over to wake field?"], "LOCATION", "wake field"),
    (["Lovely. And you're still in brad furred at your mum's?"], "LOCATION", "brad furred"),
    (["So you came out of weal stun in March?"], "LOCATION", "weal stun"),
    (["What's the address now?", "Yeah, 5 Chantry clothes."], "ADDRESS", "5 Chantry clothes"),
    (["Yeah, I'm at number 7 Whitley something."], "ADDRESS", "number 7 Whitley something"),
    (["No worries. And the surname's Wróbel?"], "PERSON", "Wróbel"),
    (["Everyone calls you Smudge, don't they?"], "PERSON", "Smudge"),
    (["And your date of birth?", "the 30th of the 9th 99."], "DATE_OF_BIRTH", "the 30th of the 9th 99"),
])
def test_what_the_recogniser_bent_is_still_found(redactor, texts, label, value):
    assert (value, label) in labels_in(redactor, *texts), labels_in(redactor, *texts)


@pytest.mark.parametrize("texts", [
    ["It's my uncle's firm, I wake up early and walk across the field."],
    ["That's us for today. See you the 30th at 9, in the usual room."],
    ["I did 3 Saturdays in a row at the food bank."],
])
def test_bent_forms_do_not_turn_ordinary_talk_into_places(redactor, texts):
    assert redactor.redact(texts).texts == texts


@pytest.mark.parametrize("texts,label,value", [
    (["Yeah, W O J C I K."], "PERSON", "W O J C I K"),  # spelled out, no cue word
    (["Is that Fenwick with a K?"], "PERSON", "Fenwick"),
    (["The car was golf tango two one bravo echo mike."], "VEHICLE_REG", "golf tango two one bravo echo mike"),
    (["Ring me on oh seven seven hundred, nine hundred, four one eight."], "PHONE",
     "oh seven seven hundred, nine hundred, four one eight"),
    (["It's on the card, K two three seven...", "Go on.", "one B X."], "PRISON_NUMBER", "one B X"),
    (["It begins T R...", "T R, yes.", "Then 48 21 90 C.", "So T R 48 21 90 C."], "NINO", "T R"),
    (["I need the kids' dates of birth.", "Lily is the 2nd of May 2018, Jack the 9th of June 2020."],
     "DATE_OF_BIRTH", "the 9th of June 2020"),
    (["I went round to Tyrese's, then Zbyszek turned up."], "PERSON", "Zbyszek"),
    (["I've been doing nights at Ocado, through an agency."], "LOCATION", "Ocado"),
    (["What's the new address?", "It's flat 12..."], "ADDRESS", "flat 12"),
    (["Email's daniel dot okafor sixty one at outlook dot com."], "EMAIL",
     "daniel dot okafor sixty one at outlook dot com"),  # number words in a spoken mailbox
    (["Send it to r patel 4 at hotmail.co.uk please."], "EMAIL", "r patel 4 at hotmail.co.uk"),
    (["I'm staying with kasia for now."], "PERSON", "kasia"),  # lower case, rare as a word
    (["Me and my cousin Ged went."], "PERSON", "Ged"),
    (["Deano from the gym said I could."], "PERSON", "Deano"),  # unheard-of word opening a sentence
    (["NI number?", "7 1 4 4 0 2 B.", "There should be letters first.", "Oh, Y Z."], "NUMBER", "Y Z"),
    (["N P seven one four four oh B.", "That's only five numbers."], "NINO", "N P seven one four four oh B"),
    # Sixth look: "so" for "oh" inside a number; the start of a number said in pieces around "Mm-hm"
    (["Can you read me the case number?", "F, two so six,", "Yeah.", "four nine one."], "CRN", "F, two so six"),
    (["Account number, hold on, eight one,", "Mm-hm.", "double three, oh two, five four.",
      "Eight one double three oh two five four."], "BANK_ACCOUNT", "eight one"),
    # a date of birth said in pieces around an interjection
    (["What's your date of birth?", "Twenty-third,", "Go on.", "of the fourth, ninety-one."],
     "DATE_OF_BIRTH", "Twenty-third,"),
    (["What's your date of birth?", "Twenty-third,", "Go on.", "of the fourth, ninety-one."],
     "DATE_OF_BIRTH", "of the fourth, ninety-one"),
    (["It was PC Haworth that nicked me."], "PERSON", "Haworth"),  # police ranks are titles
    (["My sister and her boy, Kenzie."], "PERSON", "Kenzie"),
    (["tariq, my mate from the gym."], "PERSON", "tariq"),  # lower case before who they are
    (["She works behind the bar at the Plough and Harrow."], "LOCATION", "Plough and Harrow"),
    (["Pick it up from Patel's Pharmacy."], "LOCATION", "Patel's Pharmacy"),
    (["I've been going to the Bean Counter cafe after group."], "LOCATION", "Bean Counter cafe"),  # head in lower case
    (["We go to Bethel Fellowship on Sundays."], "LOCATION", "Bethel Fellowship"),
    (["Still at Fernbank Close?", "Number forty-two, yeah."], "ADDRESS", "Number forty-two"),
])
def test_names_places_and_pieces_no_rule_named(redactor, texts, label, value):
    found = labels_in(redactor, *texts)
    assert any(v == value for v, _ in found) and (value, label) in found, found


# Eighth round (seventh set as the tuning set): general causes, each in words none of the sets use.
@pytest.mark.parametrize("texts,label,value", [
    # a spelling alphabet: "X for word", "X as in word"
    (["The reg is H for Harry, G for George, six eight, R as in Robert, K for kilo, T for Tom."], "VEHICLE_REG",
     "H for Harry, G for George, six eight, R as in Robert, K for kilo, T for Tom"),
    # a name spelled letter by letter beside an identifier holding some of its letters stays one name
    (["Surname's Kowalczyk, K O W A L C Z Y K.", "And your NINO?", "K W 12 34 56 C."], "PERSON",
     "K O W A L C Z Y K"),
    # the day and month trailing off, the year after an interjection; the year first; a read-back
    (["Date of birth?", "The ninth of the third...", "Yep.", "seventy-nine."], "DATE_OF_BIRTH", "seventy-nine"),
    (["Date of birth?", "The ninth of the third...", "Yep.", "seventy-nine."], "DATE_OF_BIRTH", "The ninth of the third"),
    (["And the date of birth?", "Nineteen eighty-one. Fourth of May."], "DATE_OF_BIRTH", "Nineteen eighty-one"),
    (["What's your DOB?", "3/11/1988.", "Third of November, lovely."], "DATE_OF_BIRTH", "Third of November"),
    (["It says 8th of July 1979 here.", "No, 1978. They always get it wrong."], "DATE_OF_BIRTH", "1978"),
    # the end of a phone number identifies it
    (["Is your mobile still the one ending five double two?"], "PHONE", "five double two"),
    # a whole identifier said around an aside inside one utterance
    (["It's J K four one, hold on, two eight, three three, C."], "NINO", "two eight, three three, C"),
    (["Landline's 0113, wait, let me find it, 496 0871."], "PHONE", "496 0871"),
    # a postcode finished by the other speaker
    (["You're on Carr Lane, postcode ls nine, and then?", "Eight, Q, T."], "POSTCODE", "Eight, Q, T"),
    # a mailbox at a country's domain
    (["It's marta dot k eighty at wp dot pl."], "EMAIL", "marta dot k eighty at wp dot pl"),
    # the parts of one address in a row, a street the catalogue does not know
    (["Yes, Flat 3, Priory Court, 47 Mill Lane."], "ADDRESS", "Flat 3, Priory Court, 47 Mill Lane"),
    (["I've moved, I'm at Flat 5, 12 Ffordd yr Afon now."], "ADDRESS", "Flat 5, 12 Ffordd yr Afon"),
    # the start of an identifier broken off: phonetic letters, a letter pair and a digit, a mailbox name
    (["NI number?", "Juliet Kilo... wait, it's in my wallet.", "Four one, two eight, three three, Charlie.",
      "J K 41 28 33 C?"], "NINO", "Juliet Kilo"),
    (["Postcode?", "L S nine...", "Pardon?", "L S nine, eight Q T."], "POSTCODE", "L S nine"),
    (["Email?", "P, J, underscore, barlow,", "Barlow like the street?", "Yeah, p j underscore barlow at mail dot com."],
     "EMAIL", "P, J, underscore, barlow"),
    # a name in an utterance the recogniser wrote all in lower case
    (["did tyler come with you"], "PERSON", "tyler"),
    # Ninth round (eighth set as the tuning set): a year said "two thousand and twelve" inside a PNC; a phonetic
    # word alone, as a piece or as the answer to "Letter?"; a corrected piece; a baby's birth; a long domain
    (["PNC please.", "Two thousand and twelve, slash,", "Yep.", "oh four five six seven eight nine R."], "PNC_ID",
     "Two thousand and twelve, slash"),
    (["Case reference?", "Echo,", "Yeah.", "two four six eight one three.", "So E 246813?"], "CRN", "Echo"),
    (["CRO?", "Four four one seven, slash twenty-three,", "Letter?", "Alpha. And that's on the sheet.",
      "4417/23A, got it."], "CRO_NUMBER", "Alpha"),
    (["NHS number?", "Four oh one, two three four, five six seven two.", "Four oh one, two three one, five six seven two.",
      "No, it's a four. Two three four.", "401 234 5672."], "NHS_NUMBER", "a four. Two three four"),
    (["Good news, Jodie had the baby, fourth of March."], "DATE_OF_BIRTH", "fourth of March"),
    (["Email's k dot obi at north leeds boxing dot org dot uk."], "EMAIL",
     "k dot obi at north leeds boxing dot org dot uk"),
    (["Where are you living now?", "Ground floor, twenty-two Albion Street."], "ADDRESS", "twenty-two Albion Street"),
    (["Who's your GP?", "Harehills Road Surgery, same as before."], "LOCATION", "Harehills Road Surgery"),
    # Tenth round (ninth set as the tuning set): a street said again without its number, in lower case; a place
    # heard in two parts said again whole; a year "born in" and the date after it, under an earlier birth word;
    # a date of birth put right in the reply; "ate" for eight in a code; "and then" before the last letter; a
    # title in lower case
    (["Where do you live now?", "Fourteen Marlowe Crescent.", "marlowe crescent, got it."], "ADDRESS",
     "marlowe crescent"),
    (["We drove out to Mex borough.", "i grew up in mexborough."], "LOCATION", "mexborough"),
    (["Her dad's name and date of birth?", "Gary Pike. he was born in seventy two, on the ninth of april."],
     "DATE_OF_BIRTH", "seventy two"),
    (["Her dad's name and date of birth?", "Gary Pike. he was born in seventy two, on the ninth of april."],
     "DATE_OF_BIRTH", "the ninth of april"),
    (["The letter has your date of birth as the 4th of the 6th 88.", "that's not right, it's the fourth of july."],
     "DATE_OF_BIRTH", "the fourth of july"),
    (["Your case reference is D ate one two five five oh."], "CRN", "D ate one two five five oh"),
    (["NI number?", "jay kay", "mm-hm.", "four one two eight, three three, and then see at the end."], "NINO",
     "four one two eight, three three, and then see"),
    (["the woodwork teacher is mr adeyemi, he's fair."], "PERSON", "adeyemi"),
    (["my mum still lives out in castleford, on her own."], "LOCATION", "castleford"),
])
def test_pieces_spellings_and_asides_found_by_general_rules(redactor, texts, label, value):
    found = labels_in(redactor, *texts)
    assert (value, label) in found, found


@pytest.mark.parametrize("texts,kept", [
    (["Does it still end in 20 minutes?"], ["20 minutes"]),  # "end" before a count
    (["The bus number ending 45 goes there."], ["45"]),
    (["Date of birth 2nd of June 1990.", "How old are you now?", "Thirty-four."], ["Thirty-four"]),
    (["It was 0161 496 0234, is that one short?"], ["one short"]),
    (["Seven four, sorry, my phone's about to die."], ["my phone's about to die"]),  # "die" is no letters
    (["hang on till i find it"], ["hang on till"]),  # lower case, but verbs and conjunctions
    (["I walked one near the park and back."], ["one near the park"]),  # number words need a street's name
    (["NI number?", "J K 41 28 33 C.", "No, the coffee was £4.60."], ["£4.60"]),  # a correction, but money
    (["I paid two thousand pounds for it."], ["two thousand pounds"]),
    # everyday nouns that are also given names, in utterances all in lower case; digits' sound-alikes in talk
    (["it's still in the van", "grab a pen then", "it's on my sim, the english one"], ["the van", "a pen", "my sim"]),
    (["we ate two pizzas and i won one game"], ["ate two", "won one"]),
    # (a town that is also a word, read as a town by the name model in a place's context, goes: "then near hull")
    (["in march i went to reading for a week, then back home"], ["in march", "to reading"]),
])
def test_what_the_general_rules_leave_readable(redactor, texts, kept):
    shown_text = shown(redactor, *texts)
    assert all(k in shown_text for k in kept), shown_text


@pytest.mark.parametrize("texts,kept", [
    (["He drives a silver Astra, I've got a Corsa, UC pays the rest.", "Tenner a week for the gas."],
     ["Astra", "Corsa", "UC", "Tenner"]),
    (["My worker's at We Are With You.", "Okay. Are you still on the script?"], ["Okay. Are you"]),
    (["I, I, I, I don't know, to be honest."], ["I, I, I, I don't"]),
    (["Payslips? He gives me cash.", "She does the rota at the hostel."], ["Payslips?", "the rota"]),
    (["I'll send it to you at gmail.com."], ["you at gmail.com"]),
    # the kind-of-place word of a venue names nothing elsewhere; a house number needs an address before it
    (["Get it from Patel's Pharmacy.", "Does the pharmacy open Sundays?"], ["the pharmacy"]),
    (["That's number two on the list.", "The Police and Crime Commissioner wrote."], ["number two", "Police and Crime"]),
])
def test_car_models_benefits_and_common_words_stay(redactor, texts, kept):
    result = " ".join(redactor.redact(texts).texts)
    assert all(k in result for k in kept), result


def test_a_read_back_leaves_no_digits_after_a_joined_account_number(redactor):
    # The account number took the read-back's first group; the rest of the read-back is still that number's.
    result = shown(redactor, "Sort code 40 11 62", "40-11-62.", "Account number 51207734.")
    assert not any(d in result for d in ("11", "62", "512")), result


# Thirteenth round (fourteenth set as the tuning set): identifiers read out in pieces after being named, never
# said whole; a read-back and an aside stepped over between pieces; a postcode whose letters a format rule
# did not allow.
@pytest.mark.parametrize("texts,value", [
    (["What's your prison number?", "It begins B twenty-three.", "B two three?",
      "Then four oh, and the last two are, hang on, K for kilo, F for foxtrot."],
     ["B twenty-three", "B two three", "four oh", "K for kilo", "F for foxtrot"]),
    (["The bank wants the sort code again.", "oh won, to ate", "And the rest?", "nine nine."],
     ["oh won, to ate", "nine nine"]),
    (["Can you read me your national insurance?", "Yeah. S T, forty-one.", "Forty-one.", "No, E."],
     ["S T, forty-one", "Forty-one", "E"]),
    (["Which email do they use?", "deano dot ward, then the numbers, eighty-six.", "At yahoo dot co dot uk."],
     ["deano dot ward", "eighty-six", "At yahoo dot co dot uk"]),
    (["Account four one seven two", "Sorry, my pen's gone. Four one seven two?", "nine nine three six."],
     ["Account four one seven two", "Four one seven two", "nine nine three six"]),
    (["It's on the envelope, PR2 5MU?"], ["PR2 5MU"]),
    (["Oh seven seven double oh, hang on, it's smudged here, nine double oh, and one two three."],
     ["Oh seven seven double oh", "nine double oh", "one two three"]),
    (["Have you got your national insurance number?", "Sort of. J, forty-four, ninety…", "Forty-four, ninety?",
      "Yeah. Thirteen. Then D."], ["J", "Thirteen", "D"]),
])
def test_pieces_read_out_after_an_identifier_is_named(redactor, texts, value):
    found = [v for v, _ in labels_in(redactor, *texts)]
    assert all(any(piece in f or f in piece for f in found) for piece in value), found


# Fourteenth round (fifteenth set as the tuning set): dates of birth given as a named day, with the month bent
# by the recogniser, or in answer to a question asked an utterance or two before.
@pytest.mark.parametrize("texts,value", [
    (["Date of birth?", "Blimey. Seventy-three. Boxing Day."], ["Seventy-three", "Boxing Day"]),
    (["And your mum's date of birth?", "The fourth of a gust, nineteen fifty."], ["The fourth of a gust, nineteen fifty"]),
    (["Why does the form want my dad's date of birth?",
      "It's for the check we do on anyone you'd be living with, it's routine.", "Right. October the third."],
     ["October the third"]),
    (["What's his date of birth?", "Ninety-one, I think. He's older than me."], ["Ninety-one"]),
    (["The nursery wants both your dates of birth.", "Mine's the fourth of June, ninety.", "And his dad?",
      "Hmm. Seventy-eight, the twelfth of March."], ["Seventy-eight, the twelfth of March"]),
    (["When were you born?", "The fourth. The fourth of June, 1980."], ["The fourth", "The fourth of June, 1980"]),
])
def test_dates_of_birth_said_as_named_days_bent_months_and_answers(redactor, texts, value):
    found = [v for v, label in labels_in(redactor, *texts) if label == "DATE_OF_BIRTH"]
    assert all(piece in found for piece in value), found


# Fifteenth round (eighteenth set as the tuning set): months and ordinals the recogniser bent, a year said in
# halves around an interjection or the officer's prompt, a year given after "And the year?", an identifier named
# only after its pieces were read, two letters heard as one word.
@pytest.mark.parametrize("texts,value", [
    (["Can I take your date of birth?", "Second of Jew line, eighty-eight."], ["Second of Jew line, eighty-eight"]),
    (["What's his date of birth?", "The ninth of marks, ninety-nine."], ["The ninth of marks, ninety-nine"]),
    (["And your date of birth?", "Sixth of the fith, two thousand and one."], ["Sixth of the fith, two thousand and one"]),
    (["Your date of birth, please.", "the twelfth of april, nineteen", "Mm-hm.", "sixty four."], ["sixty four"]),
    (["And her date of birth?", "Twelfth of Oct...", "Nineteen...?", "ninety."], ["Nineteen", "ninety"]),
    (["Date of birth?", "Ninth of the tenth.", "And the year?", "79. Same as his."], ["79"]),
])
def test_dates_of_birth_bent_or_said_in_halves(redactor, texts, value):
    found = [v for v, label in labels_in(redactor, *texts) if label == "DATE_OF_BIRTH"]
    assert all(piece in found for piece in value), found


@pytest.mark.parametrize("texts,value", [
    (["Have you got anything with it on?", "B four seven... two six. That's my case number, I think."],
     ["B four seven", "two six"]),
    (["What plate was it?", "It was envy sixty-one, why are tea."], ["envy sixty-one"]),
    (["I need your national insurance.", "J K, thirty-two, seventeen...", "Yeah, eighty. And C, like see."],
     ["C, like see"]),
    (["Read me the prison number.", "K fifty, two two, sorry the light's bad in here, see tea."], ["see tea"]),
])
def test_pieces_named_afterwards_and_letters_heard_as_words(redactor, texts, value):
    found = [v for v, _ in labels_in(redactor, *texts)]
    assert all(any(piece in f for f in found) for piece in value), found


# Sixteenth round (twentieth set as the tuning set): an address at a webmail provider whatever the recogniser did
# to the rest, the domain said alone, a mailbox name the tagger took for a name or said with "all one word", teen
# ordinals heard as two words, a bent month straight after the day, two letters echoed alone as one word.
@pytest.mark.parametrize("texts,label,value", [
    (["Where do they send the letters?", "r okafor 77 at hotmail."], "EMAIL", "r okafor 77 at hotmail"),
    (["Did you sort the new account out?", "Yeah. At yahoo dot co dot uk now, not the old one."], "EMAIL",
     "At yahoo dot co dot uk"),
    (["What email do you use now?", "It's shaz dot benton, then twelve."], "EMAIL", "shaz dot benton"),
    (["I need an email for the housing form.", "mariuszwisniewski, all one word."], "EMAIL", "mariuszwisniewski"),
    (["And your date of birth?", "The four teeth of May, nineteen ninety."], "DATE_OF_BIRTH",
     "The four teeth of May, nineteen ninety"),
    (["Date of birth on here says...", "9th a gust, 1985."], "DATE_OF_BIRTH", "9th a gust, 1985"),
    (["Your prison number?", "A four four two one, then tidy.", "Tidy?"], "PRISON_NUMBER", "Tidy"),
    (["When's your birthday?", "The twelth of the ninth, 1993."], "DATE_OF_BIRTH", "The twelth of the ninth, 1993"),
    (["What year was she born?", "2 0 1 1."], "DATE_OF_BIRTH", "2 0 1 1"),
    (["It says your date of birth is the ninth of March, but the hospital has the nineteenth."], "DATE_OF_BIRTH",
     "the nineteenth"),
])
def test_emails_teen_ordinals_and_echoed_letters(redactor, texts, label, value):
    found = labels_in(redactor, *texts)
    assert any(value in v and lab == label for v, lab in found), found


def test_what_a_stronger_label_leaves_of_a_span_stays_redacted(redactor):
    # "C dot M" is read as the email's, "M C L E O D" was a name: the letters after the email's piece stay hidden
    shown_text = shown(redactor, "Is your email still j dot okonjo at live dot co dot uk?", "Yeah, J dot O K O N J O.")
    assert "K O N J O" not in shown_text and "okonjo" not in shown_text, shown_text


@pytest.mark.parametrize("texts,value", [
    # the code read out after an address is its postcode
    (["What address will the hostel have?", "The same. Still L twelve?", "Yeah."], "L twelve"),
    (["New address is 22 Fern Road.", "What's the rest?", "Oh, are, tea, eight."], "Oh, are, tea, eight"),
    # a letter spelled with a name is a letter, still read out after a piece said over several utterances
    (["New address?", "7 Ash Grove, S K four...", "Yep.", "two, hotel papa.", "Hotel what?", "H for Harry, P for Peter."],
     "H for Harry, P for Peter"),
])
def test_postcode_pieces_read_out_after_an_address(redactor, texts, value):
    found = labels_in(redactor, *texts)
    assert (value, "POSTCODE") in found, found
    assert "Yep." in shown(redactor, *texts) or "Yep" not in " ".join(texts)


def test_an_email_address_asked_for_is_no_postcode(redactor):
    found = labels_in(redactor, "Can you email me the letter?", "Sure, what's the address?", "J, P, W...",
                      "dot marsh. Then twenty. At outlook dot com.")
    assert ("dot marsh", "EMAIL") in found, found


def test_venues_named_in_a_lower_case_transcript(redactor):
    found = labels_in(redactor, "she sees the nurse at kirkwood medical centre", "he's working near halsall retail park")
    assert ("kirkwood medical centre", "LOCATION") in found and ("halsall retail park", "LOCATION") in found, found
    kept = shown(redactor, "the local primary is fine", "i went to the big hospital")
    assert "local primary" in kept and "big hospital" in kept, kept



# Seventeenth round (twentysecond set as the tuning set): districts, streets and house numbers in a lower-case
# transcript, a pub named by its sign, dates of birth with a month's "-er" lost, a year said digit by digit, a
# birthday said with the age it brings, the next person asked for without a question mark, one character of an
# identifier put right by its place, and a code going on after a pause or "then it goes".
@pytest.mark.parametrize("texts,label,value", [
    (["are you still up in gipsyville", "yeah with my cousin"], "LOCATION", "gipsyville"),
    (["she moved over to lowfields last year"], "LOCATION", "lowfields"),
    (["i'm stopping at my aunt's on tolliver road for now"], "ADDRESS", "tolliver road"),
    (["what's the new address", "thirty six pellham grove"], "ADDRESS", "thirty six pellham grove"),
    (["How is the new job going at the Ship?"], "LOCATION", "Ship"),
    (["What's her date of birth?", "the ninth of octoba, eighty eight."], "DATE_OF_BIRTH", "the ninth of octoba"),
    (["Date of birth first.", "Twelfth of March.", "And the year?", "one nine eight seven."], "DATE_OF_BIRTH",
     "one nine eight seven"),
    (["Jayden's the fourth of June, he'll be seven."], "DATE_OF_BIRTH", "the fourth of June"),
    (["Your partner's date of birth?", "Third of July, ninety-one.", "And the eldest's for the form.",
      "Sixth of August."], "DATE_OF_BIRTH", "Sixth of August"),
    (["I've got the reg down as LK19 WRT.", "No, it's an F at the end, not a T."], "VEHICLE_REG", "F"),
    (["Mobile's 07700 900512?", "No, the last digit's a three."], "PHONE", "three"),
    (["NI number's B D twenty, four, oh, nine?", "It's a B, not a P.", "Right."], "NINO", "B"),
    (["Prison number was A 7 7 2 0.", "Then it goes envy."], "PRISON_NUMBER", "envy"),
    (["Do you know his date of birth?", "Not really. He was born in eighty-eight. October maybe."], "DATE_OF_BIRTH",
     "October"),
    (["The letter says your date of birth is the 4th of the 9th, 1990.", "Ninth of the fourth. They've swapped it."],
     "DATE_OF_BIRTH", "Ninth of the fourth"),
])
def test_lower_case_places_birthdays_and_corrected_characters(redactor, texts, label, value):
    found = labels_in(redactor, *texts)
    assert any(value in v and lab == label for v, lab in found), found




@pytest.mark.parametrize("texts,value", [
    (["How's the house?", "Grand. Faith drives me to the meetings now."], "Faith"),  # an everyday word as the subject
    (["Who's got the dog?", "Will's minding it till Friday."], "Will"),
    (["it went ok. me cousin tezza drove me there"], "tezza"),  # lower case, after who they are
    (["ask for bo the landlord, he'll let you in"], "bo"),
])
def test_names_found_by_where_they_stand(redactor, texts, value):
    found = labels_in(redactor, *texts)
    assert (value, "PERSON") in found, found


@pytest.mark.parametrize("texts,value", [
    (["Come in Ravinder. Did you find us alright?"], "Ravinder"),  # "come in" greets like "morning"
    (["Afternoon Leon, sit yourself down."], "Leon"),  # a given name that is also a car model, greeted
    (["It was my cousin Astra who rang."], "Astra"),
])
def test_names_greeted_or_introduced_even_when_also_a_car(redactor, texts, value):
    found = labels_in(redactor, *texts)
    assert (value, "PERSON") in found, found


def test_car_models_said_as_cars_stay(redactor):
    kept = shown(redactor, "I've sold the Leon, the clutch had gone.", "Come in Tuesday if the bus is running.")
    for words in ("sold the Leon", "Come in Tuesday"):
        assert words in kept, kept


def test_lower_case_pub_names_after_a_place_word(redactor):
    found = labels_in(redactor, "we was drinking near the dog and partridge till late",
                      "keep away from the swan and cygnet on match days")
    assert ("dog and partridge", "LOCATION") in found and ("swan and cygnet", "LOCATION") in found, found
    kept = shown(redactor, "she works in the fish and chips place now", "it's at the bread and butter stage")
    assert "fish and chips" in kept and "bread and butter" in kept, kept


def test_a_dated_year_after_someone_s_age_is_their_birth(redactor):
    found = labels_in(redactor, "Our Kian? He's seven now. Second of the ninth, twenty eighteen.")
    assert ("Second of the ninth, twenty eighteen", "DATE_OF_BIRTH") in found, found
    kept = shown(redactor, "He's seven now. The hearing was the second of September twenty twenty-four.",
                 "She's nine. We see you next on the 3rd of March 2027.")
    assert "second of September twenty twenty-four" in kept and "3rd of March 2027" in kept, kept


def test_a_lower_case_name_opening_a_clause_as_the_subject(redactor):
    """Whatever part of speech spaCy guesses for a rare given name written in lower case ("carly" as an adverb)."""
    found = labels_in(redactor, "Honestly. carly had the baby last week.", "Aye, and tegan was there and all.")
    assert ("carly", "PERSON") in found and ("tegan", "PERSON") in found, found
    # "holly was growing up the wall" (a plant) is taken for a name now that the tagger is sure of it: a given name
    # that is also a word, in lower case, is hidden when in doubt (a leak costs more than a word lost).
    kept = shown(redactor, "Right. barely had time to eat.")
    assert "barely had time" in kept, kept


def test_a_nickname_is_redacted_whole(redactor):
    kept = shown(redactor, "Old Jim. he's been on that site years.", "Ask Big Dunc, he runs the door.")
    assert "Old" not in kept and "Big" not in kept, kept
    assert "big" in shown(redactor, "It was a big job, Kacper.")


def test_who_someone_is_and_everyday_subjects_stay(redactor):
    kept = shown(redactor, "Faith is what keeps me going.", "He says he will talk to the jobcentre.",
                 "me mate was there too", "i went round me mate's house")
    for words in ("Faith is what", "He says", "me mate was", "me mate's house"):
        assert words in kept, kept

def test_an_echo_between_two_pieces_joins_them(redactor):
    # the echo ("Eight?") repeats the end of the piece before it: the code goes on after it, and an answer after
    # it is no part of a name the tagger runs across the line ("H J." "Lovely.")
    texts = ["He's in Hull now, H U eight, eight", "Eight?", "H J.", "Lovely."]
    found = labels_in(redactor, *texts)
    assert ("H U eight, eight", "POSTCODE") in found and ("H J", "POSTCODE") in found, found
    assert "Lovely." in shown(redactor, *texts)

def test_lower_case_places_and_pieces_that_stay(redactor):
    kept = shown(redactor, "i was in rehab for a bit then in recovery", "it's the one near the park",
                 "we are two really close mates", "The court date is the 4th of May, you'll be two weeks into it.",
                 "The one at the end of the road is mine.", "It's quiet now... easy.",
                 "He drinks at the Crown Court canteen.", "Mobile's 07700 900512.", "Give me ten, not twenty, minutes.")
    for words in ("in rehab", "in recovery", "one near the park", "two really close", "4th of May",
                  "one at the end", "easy", "Crown Court", "ten, not twenty"):
        assert words in kept, kept

def test_a_provider_word_without_an_address_stays(redactor):
    shown_text = shown(redactor, "She's at outlook training all week.", "I lost a third teeth of mine.")
    assert "at outlook training" in shown_text and "third teeth" in shown_text, shown_text


def test_letter_words_and_short_numbers_away_from_codes_stay(redactor):
    shown_text = shown(redactor, "Nice and easy. See you at 10.", "I'll take it easy, 4 weeks off.",
                       "Date of birth?", "Eleventh of June, 1990.", "How many sessions left?", "12.",
                       "What's your new phone number?", "I'll text it you after four, you see.")
    assert all(k in shown_text for k in ("Nice and easy", "easy, 4 weeks", "12.", "you see")), shown_text


@pytest.mark.parametrize("texts,kept", [
    # after an identifier is named: times, money, counts, years and numbers said in passing stay
    (["I'll need your phone number.", "Give me two minutes, it's in my coat.", "It cost me £4.50 to get here.",
      "Back in 2019 I had a different one."], ["two minutes", "£4.50", "2019"]),
    (["They want your NHS number for the referral.", "I'll bring it Monday, ten.", "See you at quarter to nine."],
     ["Monday, ten", "quarter to nine"]),
    (["What's the reg?", "Are you still driving?", "One too many points, they said."], ["Are you", "One too many"]),
    # no identifier named: code-like words stay
    (["I get the two two five bus.", "Hartley with an E."], ["two two five", "with an E"]),
    # named days that are no birthday; an age asked and answered
    (["See you after Boxing Day, then.", "How old is your lad now?", "Nine."], ["Boxing Day", "Nine."]),
    (["Date of birth?", "Ninth of May 1990.", "And the next appointment?", "The 3rd of June."], ["The 3rd of June"]),
])
def test_what_is_said_near_a_named_identifier_that_stays_readable(redactor, texts, kept):
    shown_text = shown(redactor, *texts)
    assert all(k in shown_text for k in kept), shown_text


@pytest.mark.parametrize("texts,names", [
    (["Who runs the group now?", "Guy does. He has been clean ten years."], [("Guy", "PERSON")]),  # an everyday word
    (["Right. Who is your sponsor?", "Norm. Norman. Retired postman."], [("Norm", "PERSON"), ("Norman", "PERSON")]),
    (["I hope so. To be frank it is hard.", "Will do. Mark my words.", "Reg is on the V5."], []),
    # a town in lower case that is also a common word, which no rule takes without a capital
    (["my brother's moved up to edinburgh with his girlfriend"], [("edinburgh", "LOCATION")]),
    (["can you ring the law centre for me", "it was a good night in town in the end"], []),
])
def test_the_name_model_reads_names_in_context(redactor, texts, names):
    doc = Document(texts)
    assert [(doc.text[s.start:s.end], s.label) for s in redactor.name_model.find(doc)] == names


def test_a_town_the_name_model_finds_is_hidden_wherever_it_is_said(redactor):
    texts = ["my brother's moved up to edinburgh with his girlfriend", "is that edinburgh"]
    assert "edinburgh" not in shown(redactor, *texts)


def test_the_int8_name_model_is_the_shipped_4_bit_one(model_root):
    """The 4-bit weights unpacked to float32 give the shipped model's logits; the int8 model installed from them
    gives the same name tags on the sentences above."""
    import numpy as np
    import onnx
    import onnxruntime

    from transcribe.redact.name_model import NAME_MODEL, NameModel
    from transcribe.redact.name_model_int8 import Q4_MODEL, unpack_4bit

    directory = model_root / NAME_MODEL
    shipped = onnxruntime.InferenceSession(str(directory / Q4_MODEL), providers=["CPUExecutionProvider"])
    model = onnx.load(str(directory / Q4_MODEL))
    unpack_4bit(model)
    assert not any(n.op_type == "MatMulNBits" for n in model.graph.node)
    unpacked = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    ids = np.array([[101, 2040, 3216, 1996, 2177, 2085, 1029, 102]], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    np.testing.assert_allclose(unpacked.run(None, feed)[0], shipped.run(None, feed)[0], atol=1e-3)

    # Words the tagger is sure of either way (int8 arithmetic differs a little between CPUs: no borderline word).
    tagger = NameModel(directory)
    for texts, names in ((["Who runs the group now?", "Guy does. He has been clean ten years."], ["Guy"]),
                         (["I hope so. To be frank it is hard.", "Will do."], [])):
        doc = Document(texts)
        assert [doc.text[s.start:s.end] for s in tagger.find(doc)] == names


def test_run_on_speech_venues_towns_and_greetings(redactor):
    """Lower-case speech: a venue named with a rare word before any kind of place, a two-word town, a given name
    after a greeting opening the line."""
    found = labels_in(redactor, "she does shifts at tillingham haulage three nights a week",
                      "my cousin's from holmfirth originally no wait from sutton coldfield",
                      "he's staying with his nan in barnsley for now its near the kirkstall abbey",
                      "hiya reece how's the little one")
    assert ("tillingham haulage", "LOCATION") in found, found
    assert ("sutton coldfield", "LOCATION") in found and ("reece", "PERSON") in found, found
    kept = shown(redactor, "afternoon mate come and sit down", "it's a big haulage firm", "we went to the west end")
    assert "afternoon mate" in kept and "big haulage" in kept and "west end" in kept, kept


def test_a_date_of_birth_asked_in_run_on_speech_and_its_year(redactor):
    found = labels_in(redactor, "and can i get her date of birth for the referral", "twelfth of the third",
                      "what year", "eighty eight i reckon")
    assert ("twelfth of the third", "DATE_OF_BIRTH") in found and ("eighty eight", "DATE_OF_BIRTH") in found, found
    kept = shown(redactor, "i'll put your date of birth on the form later", "fine", "it was eighty eight i reckon")
    assert "eighty eight" in kept, kept


def test_the_first_half_of_a_postcode_said_alone(redactor):
    found = labels_in(redactor, "The curfew covers the whole of BD7.", "she's at 4 mill court halesowen b63 now",
                      "Postcode? Just DN4, I don't know the rest.")
    assert ("BD7", "POSTCODE") in found and ("DN4", "POSTCODE") in found, found
    kept = shown(redactor, "The CO2 alarm went off.", "Take the M6 to junction 10.", "ward B3 on the second floor")
    assert "CO2" in kept and "M6" in kept and "B3" in kept, kept


def test_a_single_letter_postcode_area_straight_after_a_street(redactor):
    found = labels_in(redactor, "she's stopping at forty two larch avenue m8 i think")
    assert ("m8", "POSTCODE") in found, found
    kept = shown(redactor, "Come off the M6 at the first exit.", "he's on ward B3 again", "a vitamin B12 jab")
    assert "M6" in kept and "B3" in kept and "B12" in kept, kept


def test_a_corrected_piece_in_the_sentence_after_the_correction(redactor):
    texts = ["Can I have her number too?", "She's oh seven seven one one...", "Yeah.", "four oh oh eight two six.",
             "Eight two six.", "No wait, it's a one. Eight two one.", "Right."]
    assert "Eight two one" not in shown(redactor, *texts)


def test_an_address_whose_street_type_the_recogniser_bent(redactor):
    found = labels_in(redactor, "new address", "31 carlton rowed", "and her mum's at forty four Kestrel Terries",
                      "He's at 6 Ashby Plaice now.")
    assert ("31 carlton rowed", "ADDRESS") in found and ("forty four Kestrel Terries", "ADDRESS") in found, found
    assert ("6 Ashby Plaice", "ADDRESS") in found, found
    kept = shown(redactor, "address is the same", "I did the Level 2 Food Hygiene course", "at two i'm down the gym",
                 "she had 3 kids got taken off her")
    assert "Level 2 Food Hygiene course" in kept and "two i'm down" in kept and "3 kids got" in kept, kept


def test_welsh_streets_and_venues_named_apart_or_in_lower_case(redactor):
    found = labels_in(redactor, "she's on ffordd deg now", "We met at The Lamb, the pub by the station.",
                      "he's going to the approved premises kimberley lodge")
    assert ("ffordd deg", "ADDRESS") in found and ("The Lamb", "LOCATION") in found, found
    assert ("kimberley lodge", "LOCATION") in found, found
    kept = shown(redactor, "Yeah, Monday, the gym.", "he needs a vitamin B12 jab")
    assert "Monday" in kept and "B12" in kept, kept


def test_a_name_after_who_someone_is_was_asked_or_after_called(redactor):
    found = labels_in(redactor, "and who's your support worker now", "kez. i think", "a little girl and she's called faith")
    assert ("kez", "PERSON") in found and ("faith", "PERSON") in found, found
    kept = shown(redactor, "Who's your GP now?", "The same one.", "who's her landlord", "the council",
                 "Everyone's called me that since school.")
    assert "The same one" in kept and "the council" in kept and "called me that" in kept, kept


def test_dates_of_birth_said_with_the_year_first_after_an_age_or_as_someone(redactor):
    found = labels_in(redactor, "For his dad, sixty-one, the fourth of July.", "and she's nine now isn't she",
                      "two three seventeen yeah", "He's the twelfth of March, we're doing a cake.")
    assert ("sixty-one, the fourth of July", "DATE_OF_BIRTH") in found, found
    assert ("two three seventeen", "DATE_OF_BIRTH") in found, found
    assert ("the twelfth of March", "DATE_OF_BIRTH") in found, found
    # in run-on speech, "i'll" after a date is no letter of a code going on
    found = labels_in(redactor, "and his name and date of birth", "jake. twenty first of the fith ninety one i'll check")
    assert ("twenty first of the fith ninety one", "DATE_OF_BIRTH") in found, found
    kept = shown(redactor, "She's the 4th of May in court.", "first appointment's the 2nd of the 5th, ten thirty")
    assert "4th of May" in kept and "2nd of the 5th" in kept, kept
    # the recogniser drops the apostrophes too
    found = labels_in(redactor, "shes eleven now isnt she", "four nine fifteen", "and hes the tenth of june we're going out")
    assert ("four nine fifteen", "DATE_OF_BIRTH") in found, found
    assert ("the tenth of june", "DATE_OF_BIRTH") in found, found


def test_someone_addressed_by_a_name_that_is_also_a_word(redactor):
    found = labels_in(redactor, "Hope, you've done really well this month.")
    assert ("Hope", "PERSON") in found, found
    kept = shown(redactor, "Fine, I'll note it.", "Right, you can go.")
    assert "Fine" in kept and "Right" in kept, kept


def test_public_bodies_clock_times_and_conjunctions_stay_beside_identifiers(redactor):
    kept = shown(redactor, "Their place is in Leek, ST13 something, 3 pm on Tuesday.", "you have to tell dvla",
                 "i can't go near northfield cos of the order")
    assert "3 pm" in kept and "dvla" in kept and "cos of" in kept, kept


def test_a_street_named_gate_in_lower_case(redactor):
    found = labels_in(redactor, "the bookies on northgate has shut")
    assert ("northgate", "ADDRESS") in found, found
    kept = shown(redactor, "he'll investigate it", "don't tailgate on the motorway")
    assert "investigate" in kept and "tailgate" in kept, kept


def test_letters_read_out_in_lower_case_run_on_speech(redactor):
    found = labels_in(redactor, "and whats the reg on the van", "d k sixty eight hang on its on the paperwork x r p",
                      "postcode", "l twelve something i cant remember the rest")
    assert ("x r p", "VEHICLE_REG") in found and ("l twelve", "POSTCODE") in found, found
    kept = shown(redactor, "whats the reg", "its in the garage till 6 p.m. tonight")
    assert "6 p.m." in kept, kept


def test_lower_case_places_pubs_and_offices(redactor):
    found = labels_in(redactor, "is that the one in hunslet", "he drinks at the white hart most nights",
                      "they've moved your case to the sheffield team")
    assert ("hunslet", "LOCATION") in found and ("white hart", "LOCATION") in found, found
    assert ("sheffield", "LOCATION") in found, found
    kept = shown(redactor, "he was in rehab for a month", "the red tape at the council", "the reading office")
    assert "rehab" in kept and "red tape" in kept and "reading office" in kept, kept


def test_helplines_greetings_and_ages_without_apostrophes(redactor):
    found = labels_in(redactor, "Morning Dale, sit yourself down.")
    assert ("Dale", "PERSON") in found, found
    kept = shown(redactor, "If it happens again ring the helpline on 0808 2000 247.", "whats the postcode",
                 "b twelve nine q x", "and your mum", "shes seventy two now")
    assert "0808 2000 247" in kept and "seventy two" in kept, kept


def test_reg_in_talk_of_a_car_is_its_registration(redactor):
    kept = shown(redactor, "He's bought an old Astra off his cousin.", "Reg is on the insurance letter.",
                 "What car is it?", "Reg?")
    assert "Reg is" in kept and "Reg?" in kept, kept
    assert ("Reg", "PERSON") in labels_in(redactor, "My uncle Reg came round on Sunday.")


def test_an_age_is_no_piece_of_a_postcode(redactor):
    kept = shown(redactor, "What's the postcode there?", "L S eleven, five P Q.", "And how old's your nan?",
                 "She's eighty-two.", "He's 27, I'm thirty-one.")
    assert "eighty-two" in kept and "27" in kept and "thirty-one" in kept, kept


def test_a_name_given_alone_when_asked_for_and_a_nickname_after_who_they_are(redactor):
    found = labels_in(redactor, "right and the landlord's surname", "green wood", "the foreman young dez signs it off")
    assert ("green wood", "PERSON") in found and ("young dez", "PERSON") in found, found
    kept = shown(redactor, "and his surname", "no idea sorry", "what's her name again", "same as mine",
                 "me mate big lad was there")
    assert "no idea sorry" in kept and "same as mine" in kept and "big lad" in kept, kept


def test_a_lower_case_given_name_the_name_model_is_sure_of(redactor):
    """A given name written in lower case that is also a word ("jo") is a name where the model is sure of it."""
    assert "jo" not in shown(redactor, "saw jo from the hostel at the bus stop").split()
    # ...and not where it is a word. (Only people are asked about: whether the redaction tagger, retrained at each
    # install, reads "rose" as a place varies from one install to the next.)
    found = labels_in(redactor, "we had a mason jar of sweets", "the rose garden looked lovely")
    assert not [v for v, label in found if label == "PERSON"], found


def test_letters_given_after_it_s_beside_an_identifier_said_in_pieces(redactor):
    said = shown(redactor, "and your national insurance for the form", "it's jay kay", "jay kay",
                 "four one two two seven three see").split(" || ")
    assert said[1] == "it's [NI NUMBER 1]", said
    kept = shown(redactor, "and your national insurance for the form", "it's fine", "it's a pain to find")
    assert "it's fine" in kept and "a pain" in kept, kept


def test_letters_of_an_identifier_said_back_by_name(redactor):
    found = labels_in(redactor, "and your national insurance", "t x one two three four five six c",
                      "was that tea ex at the start", "yeah tea ex")
    assert [v for v, lab in found if lab == "NINO"].count("tea ex") == 2, found
    # letters' names that are everyday words together are not a read-back
    kept = shown(redactor, "reg's R U one nine A B C", "are you sure", "see you next week then")
    assert "are you sure" in kept and "see you next week" in kept, kept


def test_an_email_with_a_dotted_mailbox_and_a_domain_said_with_dock(redactor):
    text = shown(redactor, "her email's tom.briggs at", "mm", "leeds dock gov dock uk")
    assert "tom" not in text and "briggs" not in text and "leeds" not in text and "dock" not in text, text


def test_a_date_of_birth_with_the_age_after_it_or_the_name_before_it(redactor):
    found = labels_in(redactor, "and your eldest", "ninth of march twenty sixteen shes ten now", "And the baby?",
                      "Freya, second of August 2024.")
    assert ("ninth of march twenty sixteen", "DATE_OF_BIRTH") in found, found
    assert ("second of August 2024", "DATE_OF_BIRTH") in found, found
    kept = shown(redactor, "the hearing was the 4th of May 2025, he's 30 minutes late", "Right, the 4th of May 2025.")
    assert kept.count("4th of May 2025") == 2, kept


def test_a_surname_given_in_a_question_and_a_street_after_on_in_lower_case(redactor):
    found = labels_in(redactor, "is her surname kowalczyk too", "yeah and she's got a flat on mill street now")
    assert ("kowalczyk", "PERSON") in found, found
    assert ("mill street", "ADDRESS") in found, found
    kept = shown(redactor, "No, my partner's.", "we're on first name terms", "he's on the main road")
    assert kept == "No, my partner's. || we're on first name terms || he's on the main road", kept


def test_words_that_only_look_like_names_places_or_pieces_stay_readable(redactor):
    said = ["hang on let me get a pen", "He reckons the court rang our mum's house.",
            "Amlodipine and the 5 milligrams of ramipril.", "It affects your Jobseeker's Allowance.",
            "She's put me on Restart."]
    kept = shown(redactor, *said)
    assert kept == " || ".join(said), kept
    assert shown(redactor, "thats kirsty's van she uses it for work") == "thats [PERSON 1]'s van she uses it for work"
    kept = shown(redactor, "I'm at 14 Carr Street now.", "The number 23 goes past it, or the 112 then walk.",
                 "And the Drink Drive Rehabilitation course?")
    assert "number 23" in kept and "112 then walk" in kept and "Drink Drive" in kept, kept
    kept = shown(redactor, "and his email", "tommo at outlook dot com", "is that all one word", "yeah all one word")
    assert "is that all one word || yeah all one word" in kept, kept
    kept = shown(redactor, "whats your case reference", "x three four five six seven eight", "and the stop",
                 "it was nine fifteen we were only at the shop")
    assert "nine fifteen" in kept, kept


def test_where_someone_works_or_goes_named_in_lower_case(redactor):
    found = labels_in(redactor, "are you still working at quickfit motors", "yeah and the odd shift at the bellwether in "
                      "skipton", "and collecting from lloydspharm in hunslet", "i move out of kestrel lodge on the ninth")
    for place in ("quickfit motors", "bellwether", "lloydspharm", "kestrel"):
        assert any(place in v and lab == "LOCATION" for v, lab in found), (place, found)
    kept = shown(redactor, "still at it are you", "still at school", "staying at hers in skipton", "the problems in leeds")
    assert "still at it" in kept and "still at school" in kept and "at hers" in kept and "problems" in kept, kept


def test_a_lower_case_name_before_whose_details_they_are(redactor):
    found = labels_in(redactor, "no its bex's flat", "and shes got kez's mobile")
    assert ("bex", "PERSON") in found and ("kez", "PERSON") in found, found
    kept = shown(redactor, "The ward's number is on the letter.", "the landlord's number", "the nursery's address")
    assert "ward's" in kept and "landlord's" in kept and "nursery's" in kept, kept


def test_someone_at_the_service_they_work_for_in_lower_case(redactor):
    found = labels_in(redactor, "ill ask mark at the council", "who was it", "jo from the hostel")
    assert ("mark", "PERSON") in found and ("jo", "PERSON") in found, found
    kept = shown(redactor, "see you at the office", "i told him at the time", "to me at the weekend")
    assert kept == "see you at the office || i told him at the time || to me at the weekend", kept


def test_residual_shapes_survive_spans_that_leave_only_a_separator_of_a_code():
    """Pieces of a code taken by another detector can leave a stretch that is only "slash" and a letter; the
    shape rules skip it instead of failing on the whole transcript."""
    from transcribe.redact.residual import find_residual
    from transcribe.redact.spans import Span

    text = ("PNC on here is oh nine slash, it's loading, oh seven one oh seven oh five R. "
            "And CRO 770072 slash so five R.")
    taken = [Span(text.index(piece), text.index(piece) + len(piece), "ID", "tagger")
             for piece in ("oh nine", "oh seven one oh seven oh five", "770072 slash")]
    found = find_residual(Document([text]), taken)
    assert all(0 <= s.start < s.end <= len(text) for s in found)


# Twenty-fifth round (thirtyfifth set as the tuning set): the last letter of an identifier said on its own: as the
# answer to a question about it ("Be." after "And the suffix?"), asked about or put right with its name ("was it a
# B or a D?", "ends in a vee, not a bee"), told with a spelling word ("Be for bravo") or closing the reading after a
# comma ("... four oh, you.").
@pytest.mark.parametrize("texts,value", [
    (["Your NI number, please.", "J T sixty, fourteen, eighty-three.", "And the suffix?", "Be."], "Be"),
    (["Your NI number, please.", "J T sixty, fourteen, eighty-three.", "And the letter?", "Be for bravo."],
     "Be for bravo"),
    (["Your NI number, please.", "J T sixty, fourteen, eighty-three, D.", "Was that a B or a D?"], "B"),
    (["My CRO's 992676 stroke twenty-three vee.", "Mine ends in a vee, not a bee on here."], "bee"),
    (["And it quotes your PNC, oh seven stroke four six oh three one four oh, you.", "I don't know that one."], "you"),
    (["It's an old CRO number, S F ninety-two.", "Then six one four, eight three oh, and tea."], "tea"),
])
def test_a_last_letter_said_alone_asked_about_or_closing_a_reading(redactor, texts, value):
    found = [v for v, _ in labels_in(redactor, *texts)]
    assert any(value in f for f in found), found


def test_letter_words_stay_words_away_from_an_identifier(redactor):
    kept = ["I'll see you at four, and you.", "Is it a good one?", "Be nice.", "It'll be for the court to decide.",
            "My number is 07700 900123, and see.", "What was it, a bee or a wasp?"]
    redacted = shown(redactor, *kept)
    for text in kept:
        assert text.replace("07700 900123", "[PHONE 1]") in redacted, redacted


def test_a_date_of_birth_put_right_in_the_reply(redactor):
    found = [v for v, label in labels_in(redactor, "The form has your date of birth as 24/08/1995.",
                                         "It's the 26th. Twenty-sixth of August.", "I'll get it changed.")
             if label == "DATE_OF_BIRTH"]
    assert "the 26th" in found and "Twenty-sixth of August" in found, found
    # ... but not a date in a reply to an utterance that went on after the birth, or one that is not a sentence
    kept = shown(redactor, "Born 3rd of March 1987, and your appointment is 3rd of April at 10:30.", "The 3rd of April.",
                 "Your date of birth is 12/01/1999.", "Yes, and the course starts the 14th of January.")
    assert "The 3rd of April." in kept and "the 14th of January" in kept, kept


@pytest.mark.parametrize("text, value", [
    ("She's moved down to Ashby de la zouch with the kids.", "Ashby de la zouch"),
    ("He got a flat in Barrow in furniss last spring.", "Barrow in furniss"),  # the ending misheard
    ("We're stopping at his nan's in Leigh on see.", "Leigh on see"),
    ("She's living in Newton the willows now.", "Newton the willows"),  # "le" heard as "the"
    ("It was at the hostel in Stratford up on Avon.", "Stratford up on Avon"),  # "upon" heard as two words
])
def test_a_compound_place_found_by_its_first_word_is_redacted_whole(redactor, text, value):
    assert (value, "LOCATION") in labels_in(redactor, text), labels_in(redactor, text)


@pytest.mark.parametrize("text, kept", [
    ("I'll be in Stoke on Monday for the course.", "on Monday"),  # no place is called "Stoke on Monday"
    ("She's in Leeds on the weekend, then back.", "on the weekend"),
    ("He lives in Barrow, in the flats by the docks.", "in the flats"),  # a comma ends the place
])
def test_what_follows_a_place_is_not_taken_for_the_rest_of_its_name(redactor, text, kept):
    assert kept in shown(redactor, text)


@pytest.mark.parametrize("text, value", [
    ("yeah she's gwen ap rhys now, back to her dad's name.", "gwen ap rhys"),
    ("My sponsor is Pieter van der Berg from the church.", "Pieter van der Berg"),
])
def test_a_name_with_a_particle_inside_is_redacted_whole(redactor, text, value):
    assert (value, "PERSON") in labels_in(redactor, text), labels_in(redactor, text)


def test_a_particle_after_a_name_takes_no_ordinary_word_with_it(redactor):
    assert "la la la" in shown(redactor, "And then Kyle la la la, all day, singing.")
