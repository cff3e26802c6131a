"""Fixed vocabularies of the service passport (plain Python, shared by models, imports and checks)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    FEDERAL = "federal"
    REGIONAL = "regional"
    MUNICIPAL = "municipal"


class Channel(StrEnum):
    PORTAL = "portal"
    OFFICE = "office"
    PHONE = "phone"
    MOBILE_APP = "mobile_app"
    PROACTIVE = "proactive"


ONLINE_CHANNELS = frozenset({Channel.PORTAL, Channel.MOBILE_APP, Channel.PROACTIVE})


class Stage(StrEnum):
    DESIGN = "design"
    ALPHA = "alpha"
    BETA = "beta"
    LIVE = "live"


class DeadlineKind(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"
