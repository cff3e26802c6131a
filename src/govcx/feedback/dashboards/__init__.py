"""The satisfaction dashboard and the quarterly service report: figures from the answer store, what the pages show,
and the pages themselves."""
