"""Code several apps share: tabular files, text input rules, charts, PDF and downloads, token hashing, statistics.

A library package, not a Django app: it has no models, and its modules import no govcx app. The pure ones
(`tabular`, `text`, `charts`, `palette`, `tokens`, `stats`) import no Django either (guarded by tests/test_layering.py);
`pdf` and `downloads` build HTTP responses and `forms` is the base of every HTML form, and so use Django.
"""
