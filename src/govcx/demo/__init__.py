"""Deterministic demo data: authorities, services, users and assessments for `govcx demo`."""

from __future__ import annotations

from govcx.demo.builder import DemoLogin, DemoSummary, build_demo, demo_present, demo_summary
from govcx.demo.data import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoSummary", "build_demo", "demo_present", "demo_summary"]
