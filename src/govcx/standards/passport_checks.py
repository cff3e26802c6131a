"""The checks that read the service passport (its facts: channels, deadline, documents, steps, pages)."""

from __future__ import annotations

from collections.abc import Sequence

from govcx.registry.vocabulary import ONLINE_CHANNELS, Channel
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus

MET, NOT_MET, UNKNOWN = OutcomeStatus.MET, OutcomeStatus.NOT_MET, OutcomeStatus.UNKNOWN


def _result(ok: bool, ctx: CheckContext, value: str, detail: str = "") -> CheckResult:
    return CheckResult(MET if ok else NOT_MET, value=value, evidence_url=ctx.service.passport_url, detail=detail)


@register("passport.once_only", title="Once only: no requested document is already held by a state registry")
def once_only(ctx: CheckContext) -> CheckResult:
    held = [d for d in ctx.service.documents if d.held_in_registry]
    names = "; ".join(f"{d.name} ({d.registry_name})" if d.registry_name else d.name for d in held)
    return _result(not held, ctx, f"{len(held)} of {len(ctx.service.documents)} documents held in registries", names)


@register("passport.fully_online", title="The service can be completed fully online")
def fully_online(ctx: CheckContext) -> CheckResult:
    online = sorted(set(ctx.service.channels) & ONLINE_CHANNELS)
    visits = [s.title for s in ctx.service.steps if s.requires_visit]
    ok = bool(online) and not visits
    detail = "in-person steps: " + "; ".join(visits) if visits else ""
    return _result(ok, ctx, f"online channels: {_channel_words(online)}; in-person steps: {len(visits)}", detail)


@register(
    "passport.deadline_within",
    title="The regulated deadline is within the limit",
    params={"max_days": int, "kind": str},
)
def deadline_within(ctx: CheckContext) -> CheckResult:
    limit = ctx.params.get("max_days")
    kind = ctx.params.get("kind", "working")
    days, own_kind = ctx.service.deadline_days, ctx.service.deadline_kind
    if limit is None:
        return CheckResult(UNKNOWN, detail="the pack gives no max_days")
    if days is None:
        return CheckResult(
            UNKNOWN, detail="the passport has no regulated deadline", evidence_url=ctx.service.passport_url
        )
    # Compare like with like: five working days make about seven calendar days.
    in_limit_kind: float = days
    if own_kind != kind:
        in_limit_kind = days * 7 / 5 if own_kind == "working" else days * 5 / 7
    return _result(in_limit_kind <= limit, ctx, f"{days} {own_kind} days (limit {limit} {kind})")


@register("passport.feedback_channel", title="A feedback channel exists")
def feedback_channel(ctx: CheckContext) -> CheckResult:
    url = ctx.service.feedback_url
    return _result(bool(url), ctx, url or "none")


@register("passport.has_public_page", title="The service has a public page")
def has_public_page(ctx: CheckContext) -> CheckResult:
    urls = ctx.service.page_urls
    return _result(bool(urls), ctx, f"{len(urls)} page(s)")


@register("passport.legal_basis", title="The legal basis is documented")
def legal_basis(ctx: CheckContext) -> CheckResult:
    text = ctx.service.legal_basis.strip()
    return _result(bool(text), ctx, text[:120] or "none")


@register("passport.multichannel", title="Offered in enough channels", params={"min_channels": int})
def multichannel(ctx: CheckContext) -> CheckResult:
    need = ctx.params.get("min_channels", 2)
    have = len(set(ctx.service.channels))
    return _result(have >= need, ctx, f"{have} channel(s), need {need}")


@register("passport.proactive", title="Offered proactively, without an application")
def proactive(ctx: CheckContext) -> CheckResult:
    return _result(Channel.PROACTIVE in ctx.service.channels, ctx, _channel_words(ctx.service.channels))


@register("passport.mobile_channel", title="Available on a phone (mobile app or portal)")
def mobile_channel(ctx: CheckContext) -> CheckResult:
    ok = bool({Channel.MOBILE_APP, Channel.PORTAL} & set(ctx.service.channels))
    return _result(ok, ctx, _channel_words(ctx.service.channels))


def _channel_words(channels: Sequence[str]) -> str:
    """Channels in the note's words ("mobile app", not the stored "mobile_app")."""
    return ", ".join(str(c).replace("_", " ") for c in channels) or "none"
