"""British spelling for English transcripts."""

from transcribe.spelling import british


def test_american_spellings_become_british_keeping_case_and_punctuation():
    assert british("Your license says the Job Center, not my Mom's neighborhood.") == \
        "Your licence says the Job Centre, not my Mum's neighbourhood."
    assert british("I apologized, LICENSE, programs, counseling.") == "I apologised, LICENCE, programmes, counselling."


def test_words_with_other_meanings_are_left_alone():
    text = "Can you check the tire and the meter? Size, prize and seize stay."
    assert british(text) == text
