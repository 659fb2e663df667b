"""native/src/language.rs: language identification by whatlang, mapped to ISO 639-1."""

from __future__ import annotations

import pytest

from app.domain.language import SAMPLE_CHARS, guess_language
from app.domain.language import _iso639_1 as iso639_1

SAMPLES = {
    "en": (
        "The government said on Monday that it would raise taxes on fuel next year, and "
        "opposition parties promised to fight the plan in parliament."
    ),
    "fr": "Le gouvernement a annoncé lundi qu'il augmenterait les taxes sur le carburant.",
    "de": "Die Regierung kündigte am Montag an, die Steuern auf Kraftstoff zu erhöhen.",
    "es": "El gobierno anunció el lunes que subirá los impuestos sobre el combustible.",
    "it": "Il governo ha annunciato lunedì che aumenterà le tasse sul carburante.",
    "ru": (
        "Правительство в понедельник объявило о повышении налогов на топливо, а оппозиция "
        "пообещала бороться с этим планом в парламенте."
    ),
}


@pytest.mark.parametrize(("language", "text"), SAMPLES.items())
def test_news_sentences_get_their_language(language: str, text: str) -> None:
    assert guess_language(text) == language


def test_too_little_text_is_no_evidence() -> None:
    # Unreliable guesses are None: the caller falls back to its default language.
    assert guess_language("") is None
    assert guess_language("Taxes rise.") is None
    assert guess_language("12 345") is None


def test_only_the_sample_is_read() -> None:
    english = SAMPLES["en"] * 10
    assert guess_language(english[: SAMPLE_CHARS - 10] + SAMPLES["fr"] * 50) == "en"


def test_every_reported_code_is_iso_639_1() -> None:
    codes = iso639_1()
    assert codes["fra"] == "fr" and codes["cmn"] == "zh"
    assert all(len(code) == 2 for code in codes.values())


def test_plain_english_and_unaccented_french() -> None:
    # French written without its accents (all ASCII, like much English) is still French.
    english = (
        "The talks with the rebels were over, the minister said on Monday, and the army would "
        "go back to the positions it held before the ceasefire was signed last spring."
    )
    assert guess_language(english) == "en"
    unaccented = (
        "Pyongyang a coupe les lignes de communication avec Seoul et menace de represailles "
        "si le Sud ne cesse pas ses exercices militaires avec les Etats-Unis."
    )
    assert guess_language(unaccented) == "fr"
