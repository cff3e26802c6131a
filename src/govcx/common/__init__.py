"""Code several apps share: tabular files, text input rules, bounds, charts, PDF and downloads, token hashing,
statistics, web addresses.

A library package, not a Django app: it has no models, and its modules import no govcx app. The pure ones
(`tabular`, `text`, `bounds`, `charts`, `palette`, `tokens`, `stats`, `weburls`) import no Django either (guarded by
tests/test_layering.py); `pdf` and `downloads` build HTTP responses, `forms` is the base of every HTML form and
`stored_files` defers file deletion to the commit, so they use Django.
"""
