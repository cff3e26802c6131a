from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    role: str
    organisation: str | None


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    user = request.user
    return {"username": user.username, "role": user.role,
            "organisation": user.organisation.code if user.organisation else None}
