"""Settings come from TRANSCRIBE_* variables and turn into stage options."""

import pytest

from transcribe.settings import Settings, load_glossary


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    glossary = tmp_path / "glossary.txt"
    glossary.write_text("# local services\nBuvidal\nNACRO  # housing charity\n\nUniversal Credit\n")
    monkeypatch.setenv("TRANSCRIBE_ASR_MODEL", "whisper-tiny.en")
    monkeypatch.setenv("TRANSCRIBE_MAX_SPEAKERS", "3")
    monkeypatch.setenv("TRANSCRIBE_GLOSSARY", str(glossary))
    options = Settings().pipeline_options()
    assert options.asr.model == "whisper-tiny.en"
    assert options.asr.hotwords == ("Buvidal", "NACRO", "Universal Credit")
    assert options.diarise.max_speakers == 3 and options.diarise.min_speakers == 1


def test_explicit_overrides_win_and_none_keeps_the_setting(monkeypatch):
    monkeypatch.setenv("TRANSCRIBE_LANGUAGE", "cy")
    options = Settings().pipeline_options(language=None, asr_model="/opt/models/large-v3-turbo")
    assert options.asr.language == "cy"
    assert options.asr.model == "/opt/models/large-v3-turbo"


def test_invalid_values_are_rejected(monkeypatch):
    monkeypatch.setenv("TRANSCRIBE_DEVICE", "tpu")
    with pytest.raises(ValueError):
        Settings()


def test_missing_glossary_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="glossary file .* cannot be read"):
        load_glossary(tmp_path / "nope.txt")
