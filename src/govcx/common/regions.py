"""Names of Russian regions (ISO 3166-2 subdivisions) for pages, from pycountry's reference list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.utils.translation import get_language


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """ISO 3166-2 codes → subdivision names, in Russian when the page is; an unknown code stays as it is."""
    import gettext

    import pycountry

    translate = (gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ru"], fallback=True).gettext
                 if (get_language() or "en").startswith("ru") else str)
    names = {}
    for code in codes:
        subdivision = cast(Any, pycountry.subdivisions).get(code=code) if code else None
        names[code] = translate(subdivision.name) if subdivision is not None else code
    return names
