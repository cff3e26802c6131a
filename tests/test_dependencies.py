"""Dependencies that work by being installed rather than imported, so no import would show them missing."""

from __future__ import annotations

import openpyxl
from openpyxl.xml import functions


def test_openpyxl_parses_uploaded_workbooks_through_defusedxml():
    """Uploaded XLSX files are untrusted XML: openpyxl refuses DTDs and entities only when defusedxml is
    installed (it was once pulled in by chance, through textstat → nltk)."""
    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
