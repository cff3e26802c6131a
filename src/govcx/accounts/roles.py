"""Roles and what each may do. The single table of permissions; nothing else grants rights.

Plain Python (no Django) so the rules can be read and tested alone.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CENTRAL_ANALYST = "central_analyst"
    SERVICE_OWNER = "service_owner"
    ASSESSOR = "assessor"
    LAB_RESEARCHER = "lab_researcher"
    CX_ANALYST = "cx_analyst"
    VIEWER = "viewer"
    PROACTIVE_OFFICER = "proactive_officer"
    TRAINING_OFFICER = "training_officer"
    # A person linked to one register person (proactive offers' inbox): no official's action at all.
    CITIZEN = "citizen"


class Action(StrEnum):
    VIEW = "view"
    CHANGE_SERVICE = "change_service"  # create, edit, import services of the registry
    ASSESS = "assess"  # create and run assessments, record outcomes and evidence
    MANAGE_ADJUSTMENTS = "manage_adjustments"  # create and progress adjustments
    MANAGE_STANDARDS = "manage_standards"  # load packs
    MANAGE_REFERENCE = "manage_reference"  # organisations, client categories, life situations
    MANAGE_USERS = "manage_users"
    RUN_LAB = "run_lab"  # plan studies, run sessions, record attempts and findings
    VIEW_PARTICIPANTS = "view_participants"  # personal data of lab participants (their own lab's studies only)
    MANAGE_SURVEYS = "manage_surveys"  # create and version surveys, widgets, ingestion sources
    HANDLE_COMPLAINTS = "handle_complaints"  # work on and answer complaints routed to the organisation
    IMPORT_EVENT_LOGS = "import_event_logs"  # bring a service's delivery event logs (files, API pushes)
    RUN_PROACTIVE = "run_proactive"  # load register extracts, run rules, move offers, export payments
    VIEW_BENEFICIARIES = "view_beneficiaries"  # one person's proactive decisions (their own authority only)
    MANAGE_TRAINING = "manage_training"  # rosters, programme, courses, completions, learning platforms
    VIEW_TRAINEES = "view_trainees"  # work e-mails and managers on the roster (their own organisation tree only)
    # pilots: programmes, participants, criteria and analyses are the central office's
    MANAGE_PILOTS = "manage_pilots"
    # maturity
    PUBLISH_INDEX = "publish_index"  # recompute measures, compute index drafts, publish (freeze) them
    # self-assessment of management practices: the authority fills it in, the central office reviews it
    FILL_SELF_ASSESSMENT = "fill_self_assessment"
    REVIEW_SELF_ASSESSMENT = "review_self_assessment"


# Roles whose scope is the whole country; every other role sees its own organisation and its subordinates.
CENTRAL_ROLES = frozenset({Role.ADMIN, Role.CENTRAL_ANALYST})

# Personal data (lab participants, proactive beneficiaries, trainees' contacts) is for the officers who work with
# it in their own organisation: not even administrators or superusers see it.
PERSONAL_DATA_ACTIONS = frozenset({Action.VIEW_PARTICIPANTS, Action.VIEW_BENEFICIARIES, Action.VIEW_TRAINEES})

GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action) - PERSONAL_DATA_ACTIONS,
    Role.CENTRAL_ANALYST: frozenset(
        {Action.VIEW, Action.ASSESS, Action.MANAGE_ADJUSTMENTS, Action.MANAGE_STANDARDS, Action.MANAGE_SURVEYS}
        | {Action.MANAGE_PILOTS}
        | {Action.PUBLISH_INDEX}  # maturity: the central office computes and publishes the index
        | {Action.REVIEW_SELF_ASSESSMENT}
    ),
    Role.SERVICE_OWNER: frozenset(
        {Action.VIEW, Action.CHANGE_SERVICE, Action.MANAGE_ADJUSTMENTS, Action.HANDLE_COMPLAINTS,
         Action.IMPORT_EVENT_LOGS}
        # practices: the service owner answers for how the authority runs its services (no role of its own yet)
        | {Action.FILL_SELF_ASSESSMENT}
    ),
    Role.ASSESSOR: frozenset({Action.VIEW, Action.ASSESS, Action.MANAGE_ADJUSTMENTS}),
    Role.LAB_RESEARCHER: frozenset({Action.VIEW, Action.RUN_LAB, Action.VIEW_PARTICIPANTS}),
    Role.CX_ANALYST: frozenset({Action.VIEW, Action.MANAGE_SURVEYS, Action.HANDLE_COMPLAINTS}),
    Role.VIEWER: frozenset({Action.VIEW}),
    Role.PROACTIVE_OFFICER: frozenset({Action.VIEW, Action.RUN_PROACTIVE, Action.VIEW_BENEFICIARIES}),
    Role.TRAINING_OFFICER: frozenset({Action.VIEW, Action.MANAGE_TRAINING, Action.VIEW_TRAINEES}),
    Role.CITIZEN: frozenset(),
}


def role_allows(role: str, action: Action) -> bool:
    try:
        return action in GRANTS[Role(role)]
    except ValueError:
        return False


def role_is_central(role: str) -> bool:
    return role in CENTRAL_ROLES
