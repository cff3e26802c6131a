"""govcx.i18n.fixed, the fast number format of large tables, against Django's floatformat filter (the reference it
replaces): the same text for every value, in both languages."""

import random

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from govcx.i18n import fixed, localized_pair

ODD = [0.125, 2.675, 1.005, -0.001, -0.005, -0.0, 1e-9, 12345678.905, 0, 5, -3, 1e20, 2.5, -2.5,
       float("nan"), float("inf"), float("-inf"), None, "", "abc", "1.005", "-0.004"]


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("places", [0, 1, 2, 3])
def test_fixed_writes_what_floatformat_writes(language, places):
    rng = random.Random(places)
    values = ODD + [rng.uniform(-10, 10) for _ in range(3000)] + [round(rng.uniform(0, 5), 3) for _ in range(3000)]
    with translation.override(language):
        different = [(v, str(floatformat(v, places)), fixed(v, places)) for v in values
                     if str(floatformat(v, places)) != fixed(v, places)]
    assert different == []


def test_fixed_uses_the_languages_decimal_separator():
    with translation.override("ru"):
        assert fixed(3.14159) == "3,14"
    with translation.override("en"):
        assert fixed(3.14159) == "3.14"


def test_localized_pair_falls_back_to_english():
    with translation.override("ru"):
        assert localized_pair("Passport", "Паспорт") == "Паспорт"
        assert localized_pair("Passport", "") == "Passport"
    with translation.override("en"):
        assert localized_pair("Passport", "Паспорт") == "Passport"
