"""Builds the demo database from `govcx.demo.data`, through the same use cases the app itself uses.

Deterministic: one `random.Random(2026)` drives every choice, so every build has the same content. Only the
adjustments' due dates move with the calendar (relative to today), so that some are always overdue.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from govcx.accounts.models import ApiToken, AuditEvent, User
from govcx.accounts.roles import Role
from govcx.complaints.models import Complaint
from govcx.delivery.store import delete_service_events
from govcx.demo import data
from govcx.demo.audits import build_audit_demo
from govcx.demo.delivery import build_delivery_demo
from govcx.demo.feedback import build_feedback_demo
from govcx.demo.lab import build_lab_demo
from govcx.demo.maturity import build_maturity_demo, wipe_maturity
from govcx.demo.pilots import build_pilot_demo
from govcx.demo.practices import build_practices_demo
from govcx.demo.proactive import build_proactive_demo, wipe_proactive
from govcx.demo.training import build_training_demo
from govcx.errors import Conflict
from govcx.feedback.models import Response
from govcx.lab.models import Study
from govcx.pilots.models import PilotProgramme
from govcx.registry.models import ClientCategory, LifeSituation, Organisation, Service
from govcx.registry.schemas import ServiceIn
from govcx.registry.selectors import passport_dict
from govcx.registry.services import References, service_create, service_update
from govcx.standards.loader import read_pack, shipped_pack_files
from govcx.standards.models import Adjustment, AdjustmentStatus, Assessment, RequirementOutcome, StandardPack
from govcx.standards.presentation import RATING_CHOICES
from govcx.standards.schema import ScoringScheme
from govcx.standards.scoring import OutcomeStatus, Verdict, normalise
from govcx.standards.selectors import adjustment_owner_candidates
from govcx.standards.services import (
    adjustment_create,
    adjustment_set_status,
    assessment_create,
    outcome_record,
    pack_load,
)
from govcx.training.models import Statement

SEED = 2026
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organisation: str


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    services: int
    life_situations: int
    assessments: int
    verdicts: dict[str, int]
    adjustments: int
    logins: list[DemoLogin]
    studies: int = 0
    survey_responses: int = 0
    complaints: int = 0


# --- queries -----------------------------------------------------------------------------------------------


def demo_present() -> bool:
    """Whether the demo data is loaded (its central office and demo accounts exist)."""
    return (
        Organisation.objects.filter(code=data.CENTRAL_OFFICE).exists()
        and User.objects.filter(is_demo=True).exists()
        and Service.objects.filter(code=data.SERVICES[0].code).exists()
    )


def demo_summary() -> DemoSummary:
    order = {u.username: i for i, u in enumerate(data.USERS)}
    users = sorted(
        User.objects.filter(is_demo=True).select_related("organisation"),
        key=lambda u: (order.get(u.username, len(order)), u.username),
    )
    return DemoSummary(
        organisations=Organisation.objects.count(),
        services=Service.objects.count(),
        life_situations=LifeSituation.objects.count(),
        assessments=Assessment.objects.count(),
        verdicts={v.value: Assessment.objects.filter(verdict=v.value).count() for v in Verdict},
        adjustments=Adjustment.objects.count(),
        studies=Study.objects.count(),
        survey_responses=Response.objects.count(),
        complaints=Complaint.objects.count(),
        logins=[
            DemoLogin(u.username, data.DEMO_PASSWORD, u.role, u.organisation.code if u.organisation else "")
            for u in users if u.has_usable_password()  # the authorities' named staff have no login
        ],
    )


# --- reset ------------------------------------------------------------------------------------------------


def wipe() -> None:
    """Delete all registry, standards and accounts data, children before what they PROTECT."""
    wipe_proactive()
    wipe_maturity()
    PilotProgramme.objects.all().delete()  # pilots PROTECT their owner and participants
    Statement.objects.all().delete()  # xAPI statements PROTECT their learning platform
    Adjustment.objects.all().delete()
    RequirementOutcome.objects.all().delete()
    Assessment.objects.update(previous=None)
    Assessment.objects.all().delete()
    AuditEvent.objects.all().delete()
    ApiToken.objects.all().delete()
    User.objects.all().delete()
    for service_id in Service.objects.values_list("pk", flat=True):
        delete_service_events(settings.ANALYTICS_DIR, service_id)
    Service.objects.all().delete()
    StandardPack.objects.all().delete()
    while Organisation.objects.exists():
        leaves = Organisation.objects.filter(children__isnull=True)
        if not leaves.exists():  # pragma: no cover - a cycle of parents cannot be saved through the app
            Organisation.objects.update(parent=None)
            continue
        leaves.delete()
    ClientCategory.objects.all().delete()
    LifeSituation.objects.all().delete()


# --- the build --------------------------------------------------------------------------------------------


def build_demo(*, reset: bool = False, progress: Progress | None = None) -> DemoSummary:
    """Load the demo data. With `reset`, delete everything first; without it, an existing demo is kept."""
    report = progress or (lambda step, done, total: None)
    if not reset and demo_present():
        report("demo data already loaded", 1, 1)
        return demo_summary()
    with transaction.atomic():
        if reset:
            report("deleting existing data", 0, 1)
            wipe()
        _Builder(report, today=dt.date.today()).run()
    report("done", 1, 1)
    return demo_summary()


LEVELS = ("good", "partial", "poor")


class _Builder:
    def __init__(self, report: Progress, *, today: dt.date) -> None:
        self.report = report
        self.today = today
        self.rng = random.Random(SEED)
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.services: dict[str, Service] = {}
        self.packs: dict[str, StandardPack] = {}
        self.first_round: dict[tuple[str, str], Assessment] = {}
        self._scopes: dict[str, set[str]] = {}
        self.password_hash = ""

    def run(self) -> None:
        self._refuse_clashes()
        self._reference_data()
        self._users()
        self._packs()
        self._services()
        build_lab_demo(progress=self.report)  # before the assessments, so the lab's checks find the studies
        self._feedback()  # before the assessments too: the satisfaction check reads the ratings
        self._training()  # before the assessments: the training checks read the rosters
        self._delivery()  # and the delivery checks read the event logs
        self._assessments()
        self._reassessments()
        self._audits()  # after the assessments: the demo's verdicts were judged without them
        self._proactive()
        self._pilots()
        self._practices()  # the self-assessments' flags read every other area's evidence
        build_maturity_demo(actor=self.users["admin"], today=self.today, report=self.report)  # last: reads them all

    def _audits(self) -> None:
        build_audit_demo(services=self.services, actor=self.users["admin"], rng=random.Random(SEED + 7),
                         today=self.today, report=self.report)

    def _practices(self) -> None:
        build_practices_demo(orgs=self.orgs, users=self.users, today=self.today, report=self.report)

    def _proactive(self) -> None:
        build_proactive_demo(orgs=self.orgs, actor=self.users["admin"], password_hash=self.password_hash,
                             report=self.report)

    def _pilots(self) -> None:
        build_pilot_demo(orgs=self.orgs, actor=self.users["admin"], today=self.today, report=self.report)

    def _training(self) -> None:
        build_training_demo(orgs=self.orgs, actor=self.users["admin"], rng=random.Random(SEED + 7), today=self.today,
                            report=self.report, scale=settings.DEMO_TRAINING_SCALE)

    def _feedback(self) -> None:
        build_feedback_demo(
            services=self.services, actor=self.users["admin"], rng=random.Random(SEED + 5), today=self.today,
            responses_total=settings.DEMO_FEEDBACK_RESPONSES, report=self.report,
        )

    def _delivery(self) -> None:
        build_delivery_demo(services=self.services, actor=self.users["admin"], today=self.today, report=self.report)

    # -- reference data and users ---------------------------------------------------------------------------

    def _refuse_clashes(self) -> None:
        codes = [s.code for s in data.SERVICES]
        taken = list(Service.objects.filter(code__in=codes).values_list("code", flat=True)[:5])
        names = list(User.objects.filter(username__in=[u.username for u in data.USERS])
                     .values_list("username", flat=True)[:5])
        if taken or names:
            raise Conflict(
                "the database already holds records the demo would create "
                f"(services {taken}, users {names}); rebuild with reset to replace everything"
            )

    def _reference_data(self) -> None:
        total = len(data.ORGANISATIONS)
        for i, spec in enumerate(data.ORGANISATIONS, start=1):
            self.orgs[spec.code], _ = Organisation.objects.update_or_create(
                code=spec.code,
                defaults={
                    "name_en": spec.name_en, "name_ru": spec.name_ru, "level": spec.level,
                    "parent": self.orgs[spec.parent] if spec.parent else None, "region_code": spec.region_code,
                    "is_central_office": spec.is_central_office,
                },
            )
            self.report("organisations", i, total)
        for code, en, ru in data.CLIENT_CATEGORIES:
            ClientCategory.objects.update_or_create(code=code, defaults={"name_en": en, "name_ru": ru})
        for code, en, ru in data.LIFE_SITUATIONS:
            LifeSituation.objects.update_or_create(code=code, defaults={"name_en": en, "name_ru": ru})
        children: dict[str, list[str]] = {}
        for spec in data.ORGANISATIONS:
            if spec.parent:
                children.setdefault(spec.parent, []).append(spec.code)

        def below(code: str) -> set[str]:
            found = {code}
            for child in children.get(code, []):
                found |= below(child)
            return found

        self._scopes = {spec.code: below(spec.code) for spec in data.ORGANISATIONS}

    def _users(self) -> None:
        password = self.password_hash = make_password(data.DEMO_PASSWORD)  # hashed once: the hasher is slow
        total = len(data.USERS)
        for i, spec in enumerate(data.USERS, start=1):
            is_admin = spec.role == Role.ADMIN
            user = User(
                username=spec.username, first_name=spec.first_name, last_name=spec.last_name,
                email=f"{spec.username}@demo.example.gov.ru", role=spec.role,
                organisation=self.orgs[spec.organisation], is_demo=True, is_staff=is_admin,
                is_superuser=is_admin, password=password,
            )
            user.save()
            self.users[spec.username] = user
            self.report("users", i, total)

    def _user_for(self, role: str, org_code: str) -> User:
        """The demo user of `role` whose organisation's scope covers `org_code`, nearest first; else the admin."""
        candidates = [
            u for u in data.USERS if u.role == role and org_code in self._scopes.get(u.organisation, set())
        ]
        if not candidates:
            return self.users["admin"]
        best = min(candidates, key=lambda u: len(self._scopes[u.organisation]))
        return self.users[best.username]

    def _adjustment_people(self, organisation: Organisation) -> list[User]:
        """The people of the service's authority who can own an adjustment; an authority without demo logins gets
        its staff (named, without a login) from the demo's list of adjustment owners."""
        people = list(adjustment_owner_candidates(organisation_id=organisation.pk))
        if people:
            return people
        first = zlib.crc32(organisation.code.encode())  # by the code, so the demo's random sequence stays as it was
        for i in range(2):
            named = data.ADJUSTMENT_OWNERS[(first + i) % len(data.ADJUSTMENT_OWNERS)]
            initials, surname = named.split(",")[0].rsplit(" ", 1)
            person = User(username=f"staff.{organisation.code}.{i + 1}", first_name=initials, last_name=surname,
                          organisation=organisation, role=Role.VIEWER, is_demo=True)
            person.set_unusable_password()
            person.save()
            people.append(person)
        return people

    def _packs(self) -> None:
        files = shipped_pack_files()
        for i, path in enumerate(files, start=1):
            record, _ = pack_load(loaded=read_pack(path), actor=self.users["admin"])
            self.packs[record.pack_id] = record
            self.report("standards packs", i, len(files))

    # -- services ---------------------------------------------------------------------------------------------

    def _passport(self, spec: data.ServiceSpec) -> ServiceIn:
        host = next(o.host for o in data.ORGANISATIONS if o.code == spec.owner)
        pages = []
        if spec.page:
            pages.append(f"https://{host}.example.gov.ru/services/{spec.code}")
            if "portal" in spec.channels:
                pages.append(f"https://portal.example.gov.ru/services/{spec.code}")
        return ServiceIn.model_validate({
            "code": spec.code,
            "name_en": spec.name_en,
            "name_ru": spec.name_ru,
            "description_en": spec.description_en,
            "description_ru": spec.description_ru,
            "owner": spec.owner,
            "client_categories": list(spec.categories),
            "life_situations": list(spec.situations),
            "channels": list(spec.channels),
            "stage": spec.stage,
            "deadline_days": spec.deadline_days,
            "deadline_kind": spec.deadline_kind,
            "fee": spec.fee,
            "legal_basis": spec.legal_basis,
            "page_urls": pages,
            "feedback_url": f"https://{host}.example.gov.ru/feedback?service={spec.code}" if spec.feedback else None,
            "steps": [
                {"title_en": en, "title_ru": ru, "requires_visit": visit}
                for en, ru, visit in (data.STEPS[key] for key in spec.steps)
            ],
            "documents": [
                {"name_en": en, "name_ru": ru, "held_in_registry": bool(registry), "registry_name": registry}
                for en, ru, registry in (data.DOCUMENTS[key] for key in spec.documents)
            ],
        })

    def _services(self) -> None:
        refs = References()
        total = len(data.SERVICES)
        for i, spec in enumerate(data.SERVICES, start=1):
            actor = self._user_for(Role.SERVICE_OWNER, spec.owner)
            self.services[spec.code] = service_create(actor=actor, passport=self._passport(spec), refs=refs)
            self.report("services", i, total)

    # -- assessments --------------------------------------------------------------------------------------------

    def _rating(self, scheme: ScoringScheme, level: str) -> str | float:
        choices = RATING_CHOICES[scheme]
        if not choices:  # a free percentage
            low, high = {"good": (80, 100), "partial": (50, 70), "poor": (10, 40)}[level]
            return float(self.rng.randrange(low, high + 1, 5))
        ranked = sorted(choices, key=lambda choice: normalise(scheme, choice))  # worst first
        return {"good": ranked[-1], "partial": ranked[(len(ranked) - 1) // 2], "poor": ranked[0]}[level]

    def _evidence(self, requirement_id: str, title_ru: str, level: str) -> str:
        texts = data.EVIDENCE.get(requirement_id)
        if texts:
            return texts[LEVELS.index(level)]
        return f"«{title_ru}». {data.GENERIC_EVIDENCE[LEVELS.index(level)]}"

    def _assess(self, service: Service, pack: StandardPack, *, profile: str, note: str = "") -> Assessment:
        """Create an assessment (the automated checks run), then record the assessor's judgement of every
        requirement the checks left without an outcome."""
        actor = self._user_for(Role.ASSESSOR, service.owner.code)
        assessment = assessment_create(actor=actor, service=service, pack=pack)
        parsed = pack.parsed
        titles = {r.id: r.title.ru or r.title.en for r in parsed.requirements()}
        known = {o.requirement_id: o for o in assessment.outcomes.all()}
        pending = [
            node["id"] for node in assessment.result["nodes"]
            if node["kind"] == "requirement"
            and (node["id"] not in known or known[node["id"]].status == OutcomeStatus.UNKNOWN)
        ]
        weights = {"strong": (10, 0, 0), "fair": (6, 4, 0), "weak": (3, 4, 3)}[profile]
        for requirement_id in pending:
            level = self.rng.choices(LEVELS, weights=weights)[0]
            existing = known.get(requirement_id)
            evidence = self._evidence(requirement_id, titles[requirement_id], level)
            outcome_record(
                actor=actor, assessment=assessment, requirement_id=requirement_id,
                rating=self._rating(parsed.scoring, level),
                evidence_text=f"{note} {evidence}" if note else evidence,
                expected_version=existing.version if existing else None,
            )
        return assessment

    def _adjust(self, assessment: Assessment, *, limit: int) -> list[Adjustment]:
        """Plan adjustments for (some of) the non-blocking gaps; due dates spread around today."""
        gaps = assessment.result.get("non_blocking", [])
        if not gaps:
            return []
        actor = self._user_for(Role.ASSESSOR, assessment.service.owner.code)
        owner_user = self._user_for(Role.SERVICE_OWNER, assessment.service.owner.code)
        titles = {r.id: (r.title.en, r.title.ru or r.title.en) for r in assessment.pack.parsed.requirements()}
        made = []
        for gap in gaps[:limit]:
            rid = gap["requirement_id"]
            # an adjustment's action is its team's own text, written in Russian (the adjustment has one text)
            _, ru = data.ADJUSTMENT_ACTIONS.get(rid) or (
                "", f"Устранить несоответствие требованию «{titles[rid][1]}», выявленное при оценке",
            )
            offset = self.rng.randint(-80, 150)
            due = self.today + dt.timedelta(days=offset)
            adjustment = adjustment_create(
                actor=actor, assessment=assessment, requirement_id=rid, action=ru,
                owner=self.rng.choice(self._adjustment_people(assessment.service.owner)),
                due_date=max(due, self.today),
            )
            if offset < 0:
                # history: planned weeks ago, its due date has passed since (a new one cannot be due in the past)
                Adjustment.objects.filter(pk=adjustment.pk).update(due_date=due)
                adjustment.due_date = due
            if offset < 0:
                status = self.rng.choices(["open", "in_progress", "done"], weights=(5, 2, 3))[0]
            else:
                status = self.rng.choices(["open", "in_progress", "done"], weights=(6, 3, 1))[0]
            if status != AdjustmentStatus.OPEN:
                adjustment = adjustment_set_status(
                    actor=owner_user, adjustment=adjustment, status=status, expected_version=adjustment.version
                )
            made.append(adjustment)
        return made

    def _assessments(self) -> None:
        plan = [(spec.code, data.MODEL_PACK) for spec in data.SERVICES if spec.assess]
        plan += data.EXTRA_ASSESSMENTS
        revisited = {(change.service, change.pack) for change in data.REASSESSMENTS}
        for i, (code, pack_id) in enumerate(plan, start=1):
            if (code, pack_id) in revisited:  # re-assessed later because the first result was weak
                profile = self.rng.choice(["fair", "weak"])
            else:
                profile = self.rng.choices(["strong", "fair", "weak"], weights=(5, 3, 2))[0]
            assessment = self._assess(self.services[code], self.packs[pack_id], profile=profile)
            self.first_round[(code, pack_id)] = assessment
            verdict = assessment.verdict
            if verdict == Verdict.ADJUSTMENTS or (verdict == Verdict.NOT_READY and self.rng.random() < 0.5):
                self._adjust(assessment, limit=self.rng.randint(1, 3))
            self.report("assessments", i, len(plan))

    def _improve(self, service: Service, change: data.Improvement) -> Service:
        passport: dict[str, Any] = passport_dict(service)
        if change.drop_registry_documents:
            passport["documents"] = [d for d in passport["documents"] if not d["held_in_registry"]]
        if change.no_visits:
            passport["steps"] = [s for s in passport["steps"] if not s["requires_visit"]]
        passport["channels"] = list(dict.fromkeys([*passport["channels"], *change.add_channels]))
        if change.add_feedback and not passport["feedback_url"]:
            host = next(o.host for o in data.ORGANISATIONS if o.code == service.owner.code)
            passport["feedback_url"] = f"https://{host}.example.gov.ru/feedback?service={service.code}"
        if change.deadline_days is not None:
            passport["deadline_days"] = change.deadline_days
        actor = self._user_for(Role.SERVICE_OWNER, service.owner.code)
        return service_update(
            actor=actor, service_id=service.pk, passport=ServiceIn.model_validate(passport),
            expected_version=service.version,
        )

    def _reassessments(self) -> None:
        total = len(data.REASSESSMENTS)
        for i, change in enumerate(data.REASSESSMENTS, start=1):
            service = self._improve(self.services[change.service], change)
            self.services[change.service] = service
            previous = self.first_round[(change.service, change.pack)]
            assessment = self._assess(service, self.packs[change.pack], profile="strong", note=change.note_ru)
            fixed = {g["requirement_id"] for g in (*previous.result["blocking"], *previous.result["non_blocking"])}
            fixed -= {g["requirement_id"] for g in (*assessment.result["blocking"], *assessment.result["non_blocking"])}
            owner_user = self._user_for(Role.SERVICE_OWNER, service.owner.code)
            planned = previous.adjustments.filter(requirement_id__in=fixed).exclude(status=AdjustmentStatus.DONE)
            for adjustment in planned:
                adjustment_set_status(actor=owner_user, adjustment=adjustment, status=AdjustmentStatus.DONE,
                                      expected_version=adjustment.version)
            self._adjust(assessment, limit=2)
            self.report("re-assessments", i, total)
