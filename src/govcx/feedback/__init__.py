"""Citizen satisfaction and feedback: surveys, ingestion, dashboards, comment analysis."""
