"""Personal data in comments (govcx.feedback.pii).

Worked check-digit examples:
- SNILS 112-233-445 95: 1·9 + 1·8 + 2·7 + 2·6 + 3·5 + 3·4 + 4·3 + 4·2 + 5·1 = 95 → check number 95 (the example
  of the Russian Wikipedia article "Страховой номер индивидуального лицевого счёта", after the Pension Fund's
  rule).
- INN 7707083893 (Sberbank, published in its requisites): 7·2 + 7·4 + 0·10 + 7·3 + 0·5 + 8·9 + 3·4 + 8·6 + 9·8
  = 267; 267 mod 11 = 3 → check digit 3.
- Luhn: 79927398713 is the worked example of ISO/IEC 7812-1 Annex B as reproduced on Wikipedia ("Luhn
  algorithm"); 4111 1111 1111 1111 and 5555 5555 5555 4444 are the test card numbers Visa and Mastercard publish
  for payment sandboxes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcx.feedback.pii import PiiKind, find_pii, inn_valid, luhn_valid, mask_pii, snils_valid


def test_snils_worked_example():
    assert snils_valid("11223344595")
    assert not snils_valid("11223344596")


@pytest.mark.parametrize(
    ("snils", "weighted_sum"),
    [
        ("19201000000", 100),  # 1·9 + 9·8 + 2·7 + 1·5 = 100 → 00
        ("19201000100", 101),  # 101 → 00
        ("99999999901", 405),  # 9·45 = 405 → 405 mod 101 = 1 → 01
        ("29201000000", 109),  # 109 mod 101 = 8 → 08, so 00 is wrong
    ],
)
def test_snils_check_number_rules(snils, weighted_sum):
    assert sum(int(d) * w for d, w in zip(snils[:9], range(9, 0, -1), strict=True)) == weighted_sum
    assert snils_valid(snils) == (weighted_sum != 109)
    assert snils_valid("292010000" + "08")


def test_snils_below_the_checked_range_is_not_recognised():
    assert not snils_valid("00100199800")


def test_inn_worked_examples():
    assert inn_valid("7707083893")
    assert not inn_valid("7707083894")
    assert inn_valid("500100732259")  # the 12-digit example used in the Federal Tax Service's format guides
    assert not inn_valid("500100732258")
    assert not inn_valid("12345")


def test_luhn_worked_examples():
    assert luhn_valid("79927398713")
    assert luhn_valid("4111111111111111") and luhn_valid("5555555555554444")
    assert not luhn_valid("4111111111111112")


@given(st.text("0123456789", min_size=12, max_size=18), st.integers(0, 17), st.integers(1, 9))
def test_luhn_catches_every_single_digit_error(body, position, delta):
    check = next(c for c in "0123456789" if luhn_valid(body + c))
    number = body + check
    i = position % len(number)
    changed = number[:i] + str((int(number[i]) + delta) % 10) + number[i + 1 :]
    assert not luhn_valid(changed)


REALISTIC = [
    ("Перезвоните мне, пожалуйста: +7 (916) 123-45-67, Иван.",
     "Перезвоните мне, пожалуйста: [PHONE], Иван.", {PiiKind.PHONE}),
    ("Мой номер 89161234567, пишите на ivan.petrov@mail.ru", "Мой номер [PHONE], пишите на [EMAIL]",
     {PiiKind.PHONE, PiiKind.EMAIL}),
    ("Горячая линия 8-800-555-35-35 не отвечает, а по 123-45-67 занято",
     "Горячая линия [PHONE] не отвечает, а по [PHONE] занято", {PiiKind.PHONE}),
    ("Паспорт 45 06 123456 выдан ОВД, СНИЛС 112-233-445 95", "Паспорт [PASSPORT] выдан ОВД, СНИЛС [SNILS]",
     {PiiKind.PASSPORT, PiiKind.SNILS}),
    ("серия 4506 № 123456", "серия [PASSPORT]", {PiiKind.PASSPORT}),
    ("указала паспорт: 4506123456, а ИНН 500100732259", "указала паспорт: [PASSPORT], а ИНН [INN]",
     {PiiKind.PASSPORT, PiiKind.INN}),
    ("ИНН организации 7707083893", "ИНН организации [INN]", {PiiKind.INN}),
    ("СНИЛС 11223344595 не нашли в базе", "СНИЛС [SNILS] не нашли в базе", {PiiKind.SNILS}),
    ("списали дважды с карты 4111 1111 1111 1111!", "списали дважды с карты [CARD]!", {PiiKind.CARD}),
    ("Please call me on +44 20 7946 0958 or write to jane.doe@example.co.uk.",
     "Please call me on [PHONE] or write to [EMAIL].", {PiiKind.PHONE, PiiKind.EMAIL}),
    ("My card 5555-5555-5555-4444 was charged twice", "My card [CARD] was charged twice", {PiiKind.CARD}),
    ("пишите на почта@пример.рф", "пишите на [EMAIL]", {PiiKind.EMAIL}),
]


@pytest.mark.parametrize(("text", "masked", "kinds"), REALISTIC)
def test_realistic_comments_are_masked(text, masked, kinds):
    result = mask_pii(text)
    assert result.text == masked
    assert set(result.kinds) == kinds


CLEAN = [
    "Записалась на 12.12.2023 в 10:30, приняли только 15.01.2024.",
    "Ждала с 2024-05-01 по 2024-05-14, это 14 дней.",
    "Госпошлина 3 500 руб., штраф 1 500 000 руб. и ещё 2 350,50 ₽.",
    "Код услуги в реестре 7700000010000000001, заявление № 1234567890 от 01.02.2024.",
    "I paid $1,234.56 on 05/01/2024 and waited 45 minutes in queue 17.",
    "Order 4111111111111112 failed (not a valid card), reference 2023-11-30.",
    "Окно № 5, талон А-123, очередь 35 человек, приём с 9:00 до 18:00.",
    "В 2023 году подала 3 заявления, 2 из них отклонили; тел. горячей линии не указан.",
    "ИНН 7707083894 указан с ошибкой",
]


@pytest.mark.parametrize("text", CLEAN)
def test_dates_amounts_and_service_codes_are_left_alone(text):
    result = mask_pii(text)
    assert (result.text, result.kinds) == (text, ())


def test_matches_keep_positions_in_the_original_text():
    text = "тел 89161234567 и ivan@mail.ru"
    [phone, email] = find_pii(text)
    assert (phone.kind, text[phone.start : phone.end]) == (PiiKind.PHONE, "89161234567")
    assert (email.kind, text[email.start : email.end]) == (PiiKind.EMAIL, "ivan@mail.ru")


def test_the_tag_is_configurable():
    assert mask_pii("ivan@mail.ru", tag=lambda kind: "***").text == "***"


@given(st.integers(1_002_000, 999_999_999))
def test_any_valid_snils_written_together_is_masked(number):
    body = f"{number:09d}"
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    total = total % 101 if total > 101 else total
    snils = body + f"{0 if total in (100, 101) else total:02d}"
    assert snils_valid(snils)
    result = mask_pii(f"мой СНИЛС {snils} спасибо")
    assert result.text in ("мой СНИЛС [SNILS] спасибо", "мой СНИЛС [PHONE] спасибо")


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_masking_twice_changes_nothing_more(text):
    once = mask_pii(text).text
    assert mask_pii(once).text == once


# --- many spellings of valid identifiers (normalisation before matching) ---

SEPARATORS = [" ", "\u00a0", "\u2009", "\u202f", "-", "\u2011", "\u2013", "."]


def snils_from(body: str) -> str:
    """The check number by the published algorithm (weights 9..1; 100 and 101 → 00; above 101 modulo 101)."""
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    total = total % 101 if total > 101 else total
    return body + f"{0 if total in (100, 101) else total:02d}"


def inn12_from(body: str) -> str:
    from stdnum.ru import inn

    return body + inn.calc_personal_check_digits(body)


def luhn_from(body: str) -> str:
    return body + next(c for c in "0123456789" if luhn_valid(body + c))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def spelled(groups: list[str], separator: str, wide: bool) -> str:
    text = separator.join(groups)
    return full_width(text) if wide else text


def assert_masked(text: str, identifier_digits: str, kind: PiiKind) -> None:
    result = mask_pii(text)
    assert kind in result.kinds, (text, result.text)
    remaining = "".join(ch for ch in full_width_to_ascii(result.text) if ch.isdigit())
    assert identifier_digits[-6:] not in remaining, (text, result.text)


def full_width_to_ascii(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in text)


@given(st.integers(1_002_000, 999_999_999), st.sampled_from(SEPARATORS), st.booleans(),
       st.sampled_from(["СНИЛС {}", "мой снилс: {}.", "SNILS {} please", "{}"]))
def test_snils_in_any_spelling_is_masked(number, separator, wide, sentence):
    snils = snils_from(f"{number:09d}")
    text = sentence.format(spelled([snils[:3], snils[3:6], snils[6:9], snils[9:]], separator, wide))
    assert_masked(text, snils, PiiKind.SNILS)


def test_snils_check_numbers_computed_by_the_published_algorithm():
    assert snils_from("112233445") == "11223344595"  # the worked example above
    assert snils_from("192010000") == "19201000000" and snils_from("192010001") == "19201000100"
    for body in ("123456789", "987654321", "555666777", "100200300"):
        assert snils_valid(snils_from(body))
        assert not snils_valid(body + f"{(int(snils_from(body)[9:]) + 1) % 100:02d}")


@given(st.integers(10**9, 10**10 - 1), st.sampled_from(SEPARATORS), st.booleans(),
       st.sampled_from([(4, 4, 4), (3, 3, 3, 3), (2, 2, 2, 6), (12,)]))
def test_inn_in_any_spelling_is_masked_after_its_name(number, separator, wide, grouping):
    inn = inn12_from(f"{number:010d}")
    groups, at = [], 0
    for size in grouping:
        groups.append(inn[at : at + size])
        at += size
    assert_masked(f"ИНН {spelled(groups, separator, wide)}", inn, PiiKind.INN)


@given(st.integers(10**14, 10**15 - 1), st.sampled_from("2345"), st.sampled_from(SEPARATORS), st.booleans())
def test_card_numbers_in_any_spelling_are_masked(number, first, separator, wide):
    card = luhn_from(first + f"{number:015d}"[:14])
    text = f"списали с карты {spelled([card[i:i + 4] for i in range(0, 16, 4)], separator, wide)} дважды"
    assert_masked(text, card, PiiKind.CARD)


@given(st.integers(900, 999), st.integers(0, 9_999_999), st.sampled_from(SEPARATORS), st.booleans(),
       st.sampled_from(["+7", "8"]))
def test_phones_in_any_spelling_are_masked(code, number, separator, wide, prefix):
    digits = f"{number:07d}"
    phone = spelled([prefix, str(code), digits[:3], digits[3:5], digits[5:]], separator, wide)
    assert_masked(f"звоните {phone} вечером", str(code) + digits, PiiKind.PHONE)


@given(st.from_regex(r"[a-z][a-z0-9._]{1,12}[a-z0-9]", fullmatch=True),
       st.sampled_from(["(at)", " (at) ", "[at]", " [at] ", " at ", " собака ", "(собака)", "{at}", "＠"]),
       st.sampled_from([".", " dot ", "(dot)", " [dot] ", " точка "]),
       st.sampled_from(["mail", "yandex", "gosuslugi"]), st.sampled_from(["ru", "com", "рф"]))
def test_obfuscated_e_mail_addresses_are_masked(name, at, dot, domain, zone):
    text = f"пишите: {name}{at}{domain}{dot}{zone} — отвечу"
    result = mask_pii(text)
    assert PiiKind.EMAIL in result.kinds and name not in result.text and domain not in result.text, result.text


@pytest.mark.parametrize(("text", "masked"), [
    ("пишите на ivan(at)mail.ru", "пишите на [EMAIL]"),
    ("СНИЛС 112 233 445 95", "СНИЛС [SNILS]"),
    ("ИНН 7707\u00a0083\u00a0893", "ИНН [INN]"),
    ("карта 4111.1111.1111.1111", "карта [CARD]"),
    ("тел. +7.916.123.45.67", "тел. [PHONE]"),
    ("тел. ８９１６１２３４５６７", "тел. [PHONE]"),
    ("тел. 8\u2009916\u2009123\u201145\u201167", "тел. [PHONE]"),
])
def test_spellings_from_the_attack_report_are_masked(text, masked):
    assert mask_pii(text).text == masked


# --- ordinary numbers are left alone ---

@given(st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)), st.sampled_from(
    ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y", "%d-%m-%Y"]), st.integers(0, 23), st.integers(0, 59))
def test_dates_and_times_are_not_masked(day, fmt, hour, minute):
    text = f"Записалась на {day.strftime(fmt)} в {hour}:{minute:02d}, приняли {day.strftime(fmt)} {day.strftime(fmt)}."
    assert mask_pii(text).text == text


@given(st.integers(0, 999_999_999_999), st.sampled_from([" ", "\u00a0", "\u202f", "."]),
       st.sampled_from(["Штраф {} руб.", "оплатила {} ₽ за услугу", "сумма {},50 руб"]))
def test_amounts_in_groups_of_thousands_are_not_masked(amount, separator, sentence):
    grouped = f"{amount:,}".replace(",", separator)
    text = sentence.format(grouped)
    assert mask_pii(text).text == text


@given(st.lists(st.integers(0, 9999), min_size=1, max_size=6))
def test_counts_are_not_masked(counts):
    text = "В очереди " + ", потом ".join(f"{n} человек" for n in counts) + "."
    assert mask_pii(text).text == text
