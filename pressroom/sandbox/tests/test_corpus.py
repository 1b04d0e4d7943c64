"""What the simulated public writes: Vietnamese as typed, with and without diacritics."""

from __future__ import annotations

import random
import unicodedata

from pressroom.sandbox import corpus


def test_diacritics_come_off_as_on_a_plain_keyboard() -> None:
    assert (
        corpus.without_diacritics("Lịch tiêm ở phường tôi là khi nào?")
        == "Lich tiem o phuong toi la khi nao?"
    )
    assert corpus.without_diacritics("Đường Đỗ") == "Duong Do"


def test_phrases_vary_as_people_type() -> None:
    rng = random.Random(1)
    said = [corpus.phrase(rng) for _ in range(600)]
    kinds = {phrase.kind for phrase in said}
    assert kinds == set(corpus.KIND_WEIGHTS)
    texts = [phrase.text for phrase in said]
    assert any(
        text == unicodedata.normalize("NFD", text) != unicodedata.normalize("NFC", text)
        for text in texts
    )
    assert any(text.isascii() and " " in text for text in texts)
    assert any(any(emoji in text for emoji in corpus.EMOJI) for text in texts)
    claims = [phrase.text for phrase in said if phrase.kind == corpus.FALSE_CLAIM]
    assert any("can cuoc" in text for text in claims)
    assert any("căn cước" in unicodedata.normalize("NFC", text) for text in claims)


def test_private_messages_are_not_spam() -> None:
    rng = random.Random(2)
    assert corpus.SPAM not in {corpus.phrase(rng, private=True).kind for _ in range(300)}


def test_a_citizen_keeps_a_name() -> None:
    assert corpus.name(17) == corpus.name(17)
    names = {corpus.name(number) for number in range(1, 61)}
    assert len(names) > 40
    assert any(name.isascii() for name in names)
