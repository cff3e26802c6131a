"""Persistence of the feedback app."""
