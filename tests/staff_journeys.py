"""Journeys of govcx's own pages through its audit engine: a staff sign-in, the pages to audit, and the serious or
critical axe violations found (shared by the self-audit and the complaints and cases axe tests)."""

from __future__ import annotations

from govcx.audit.engine import JourneyStep


def sign_in_steps(username: str, password: str) -> list[JourneyStep]:
    return [
        JourneyStep("fill", "#id_username", username),
        JourneyStep("fill", "#id_password", password),
        JourneyStep("click", "main button[type=submit]"),
        JourneyStep("expect", "h1"),
    ]


def audit_steps(base: str, paths: list[str]) -> list[JourneyStep]:
    steps: list[JourneyStep] = []
    for path in paths:
        steps += [JourneyStep("goto", value=f"{base}{path}"), JourneyStep("audit")]
    return steps


def switch_to_russian() -> list[JourneyStep]:
    """As a person does it: the language button in the header (the choice is kept for the next pages)."""
    return [JourneyStep("click", 'button[name="language"][value="ru"]'), JourneyStep("expect", 'html[lang="ru"]')]


def serious_violations(results) -> list[str]:
    return [f"{r.url}: {i.rule} ({i.impact}) at {list(i.targets)[:3]}" for r in results for i in r.issues
            if i.kind == "violation" and i.impact in ("serious", "critical")]
