"""The lab API (/api/lab/): studies, tasks, quotas, participants, sessions, attempts, observations, findings,
questionnaires, metrics, re-test comparison, raw data export/import, and the public endpoints of a participant's
personal link (/api/lab/take/{token}/...: no sign-in, scoped and rate limited by the token).

One module per aggregate, each with its own router mounted here; the schemas are in `govcx.lab.schemas`.
Thin handlers: schema → access_* → one service → output schema. Personal fields of participants are sent only
to the lab's own researchers (Action.VIEW_PARTICIPANTS). Every route pins its operationId (the published
contract predates the split into modules).
"""

from __future__ import annotations

from ninja import Router

from govcx.lab.api import data, finding, participant, session, study, take

router = Router()
for module in (study, data, participant, session, finding, take):
    router.add_router("", module.router)
