"""Citizen satisfaction and feedback: surveys, ingestion, complaints, dashboards."""
