"""Comment analysis in Russian and English: tokens and lemmas, a taxonomy of known issues, topics, sentiment."""
