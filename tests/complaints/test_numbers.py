"""Complaint numbers: the year and eight Crockford base-32 characters, forgiving to type."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from govcx.complaints.numbers import ALPHABET, new_number, normalised


def test_a_number_is_the_year_and_two_groups_of_four_unambiguous_characters():
    number = new_number(2026)
    assert re.fullmatch(r"2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", number)
    assert not set("ILOU") & set(ALPHABET) and len(ALPHABET) == 32


def test_numbers_are_drawn_from_the_whole_alphabet():
    letters = itertools.cycle(ALPHABET)
    assert new_number(2026, lambda _alphabet: next(letters)) == "2026-0123-4567"


@given(st.integers(min_value=2000, max_value=2100))
def test_a_number_reads_back_as_itself(year):
    number = new_number(year)
    assert normalised(number) == number


def test_typing_is_forgiving_about_case_spaces_dashes_and_look_alikes():
    assert normalised(" 2026 7k4m 9qx2 ") == "2026-7K4M-9QX2"
    assert normalised("2026–OIL0-UUUU") == "2026-0110-VVVV"
    assert normalised("2026-7K4M-9QX") is None and normalised("") is None and normalised("x" * 500) is None
    assert normalised("abcd-7K4M-9QX2") is None
