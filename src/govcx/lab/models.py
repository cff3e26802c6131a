"""Persistence of the lab app."""
