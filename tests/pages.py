"""Every page of the site, as a person sees it: the page list built from the URL patterns (with parameters taken
from the data in the database), the visible text of a page, and the two things a reader must never meet there:
English left on a Russian page and a raw code from the enums.

Used by tests/test_every_page.py (Django's test client, both languages) and tests/browser/test_no_sideways_scroll.py
(real Chromium at a phone's and a desktop's width).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from govcx import labels
from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.audit.models import AuditIssue, AuditRun, RunStatus
from govcx.complaints.models import Case, Complaint, RoutingRule
from govcx.complaints.services import complaint_submit
from govcx.feedback.models import Survey
from govcx.jobs.models import Job, JobState
from govcx.lab.models import Finding, Observation, Participant, Quota, Session, Study, Task
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.maturity.models import IndexPublication, IndexValue
from govcx.pilots.models import EffectivenessCriterion, PilotProgramme
from govcx.practices.models import SelfAssessment
from govcx.proactive.models import DraftWhatIf, Offer, PaymentBatch, Run
from govcx.registry.models import Service
from govcx.standards.models import Adjustment, Assessment, StandardPack
from govcx.training.models import Programme

#: URL patterns that are not pages a person reads, with the reason. Everything else must be rendered.
SKIPPED: dict[str, str] = {
    "logout": "signs out (POST only)",
    "set_language": "switches the language and redirects (POST only)",
    "registry:service_export": "a CSV/XLSX download",
    "standards:evidence_file": "an uploaded evidence file",
    "reports:assessment_pdf": "a PDF download",
    "reports:assessment_export": "a CSV/XLSX download",
    "reports:quarterly_pdf": "a PDF download",
    "reports:quarterly_xlsx": "an XLSX download",
    "audit:issue_screenshot": "a PNG image",
    "lab:recording_file": "a video file",
    "lab:study_pdf": "a PDF download",
    "lab:study_export": "a CSV/XLSX download",
    "feedback_public:qr": "an SVG image",
    "feedback:survey_export": "a CSV/XLSX download",
    "feedback:service_report_pdf": "a PDF download",
    "delivery:map_svg": "an SVG image",
    "delivery:export": "a CSV/XLSX/Parquet download",
    "delivery:map": "an SVG or PNG image",
    "delivery:report_pdf": "a PDF download",
    "proactive:payment_batch_export": "a CSV/XML download for the treasury",
    "training:coverage_export": "a CSV/XLSX/PDF download",
    "pilots:report_pdf": "a PDF download",
    "pilots:action": "starts, finishes or analyses a pilot (POST only)",
    "maturity:ranking_export": "a CSV/XLSX/PDF download",
}
#: Prefixes served by other machinery: the JSON API (its own contract tests), the xAPI LRS and Django's admin.
OUTSIDE = ("api/", "admin/", "xapi/")  # xapi/: the LRS for learning platforms (tests/training)


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def url_patterns() -> list[Pattern]:
    """Every named URL pattern of the site outside the API and the admin."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                yield Pattern(prefix + str(entry.pattern), namespace + (entry.name or ""))

    return [p for p in walk(get_resolver(), "", "") if not p.route.startswith(OUTSIDE)]


def page_urls(values: dict[str, object]) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, URL) of every page to render, and the patterns that could not be filled (a missing value)."""
    pages, missing = [], []
    for pattern in url_patterns():
        if pattern.name in SKIPPED:
            continue
        if any(p not in values for p in pattern.parameters):
            missing.append(f"{pattern.name} needs {[p for p in pattern.parameters if p not in values]}")
            continue
        kwargs = {p: values[p] for p in pattern.parameters}
        pages.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))
    return pages, missing


# --- what a person sees ---------------------------------------------------------------------------------------

#: Elements whose text is not the page's own prose: code samples and names of columns to put in a file, the
#: reader's own input (a textarea holds what they typed), and machine parts.
HIDDEN = {"script", "style", "template", "code", "pre", "kbd", "samp", "noscript", "head", "textarea"}
#: The class of a hint that names a file's columns and codes, which a person types into the file as they are.
FILE_FORMAT = "file-format"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class _Visible(HTMLParser):
    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = (tag in HIDDEN or "hidden" in values or values.get("translate") == "no"
                  or FILE_FORMAT in (values.get("class") or "").split()
                  or values.get("aria-hidden") == "true"
                  or (tag != "html" and values.get("lang") not in (None, self.language)))
        if not hidden and not self._hidden():
            shown = SHOWN_ATTRIBUTES[1:] if tag == "textarea" else SHOWN_ATTRIBUTES  # its placeholder is an example
            self.parts.extend(values[a] or "" for a in shown if values.get(a))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.parts.append(values["value"] or "")
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    """The text a reader of `language` sees: text nodes, placeholders, titles and labels of controls, without
    code samples, hidden parts and parts marked as another language (the language switcher's own names)."""
    parser = _Visible(language)
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


# --- raw codes --------------------------------------------------------------------------------------------------


def enum_codes() -> set[str]:
    """The codes a page must never print: values of every model field's choices and every labels.py key, where
    the code does not read as a word (it has a separator or is a region code)."""
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("govcx."):
            continue
        for field in model._meta.get_fields():
            for value, _ in getattr(field, "flatchoices", None) or []:
                found.add(str(value))
    for name in dir(labels):
        table = getattr(labels, name)
        if isinstance(table, dict):
            found.update(str(key) for key in table)
    return {code for code in found if re.search(r"[a-z][_.][a-z0-9]", code) or re.fullmatch(r"[a-z]+-[a-z0-9-]+", code)}


CODE_SHAPES = [
    re.compile(r"\bRU-[A-Z]{2,3}\b"),  # an ISO 3166-2 region code instead of the region's name
    re.compile(r"\b[a-z_]{2,}=\d"),  # survey answers shown as `overall=4 trust=3`
]


def raw_codes(text: str, codes: set[str], allowed: Callable[[str], bool] = lambda _: False) -> list[str]:
    words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_.:-]*[A-Za-z0-9]", text))
    shown = sorted(w for w in words & codes if not allowed(w))
    shown += [m.group(0) for shape in CODE_SHAPES for m in shape.finditer(text) if not allowed(m.group(0))]
    return shown


# --- English on a Russian page ----------------------------------------------------------------------------------

#: Latin-script words a Russian page may show: names of standards, methods, formats and products, and units.
LATIN_ALLOWED = {
    "govcx", "pdf", "csv", "xlsx", "xes", "json", "html", "svg", "png", "qr", "url", "api", "id", "http", "https",
    "www", "sus", "seq", "umux", "lite", "nps", "csat", "ces", "nasa", "tlx", "wcag", "axe", "core", "aa", "omb",
    "a-11", "iso", "gds", "uk", "us", "ru", "en", "gov", "example", "htmx", "ok", "vs", "ms", "kb", "mb", "js",
    "ci", "sql", "ibis", "duckdb", "spark", "oecd", "fnpm", "nielsen", "jeff", "sauro", "lewis", "brooke",
    "wilson", "clopper", "pearson", "holm", "bonferroni", "benjamini", "hochberg", "mann", "whitney",
    "fisher", "welch", "student", "cohen", "flesch", "kincaid", "oborneva", "smog", "gunning", "fog", "bbc",
    "lsu", "gosuslugi", "chrome", "chromium", "windows", "android", "ios", "macos", "linux", "email", "e-mail",
    "ctrl", "viewport", "dom", "century", "idea", "xxi", "egovernment", "benchmark", "edocuments", "eid",
    "axe-core", "umux-lite", "parquet", "content-security-policy", "origin", "mid-p", "bom", "excel",
    "lang", "alt", "aria", "aria-label", "xapi",  # HTML attributes and a standard named in rule help
    "xml",  # the treasury's payment file format
}


def latin_words(text: str, allowed: set[str]) -> list[str]:
    """Words in Latin script (three letters or more) that are not a known name or a value from the data."""
    # words inside addresses, e-mails, and [markers] (a step's "[visit]", a masked "[PHONE]") are not prose
    words = re.findall(r"(?<![\w@/.:?=&#\[-])[A-Za-z][A-Za-z'-]{2,}(?![\w@/.:?=&#\]-])", text)
    return sorted({w for w in words if w.lower() not in LATIN_ALLOWED and w not in allowed})


def untranslated_messages(text: str, msgids: list[str]) -> list[str]:
    """English catalogue messages (of two words or more) printed verbatim on a page that should be Russian."""
    return [m for m in msgids if m in text]


# --- the data behind the pages ---------------------------------------------------------------------------------


def extra_records(admin: User) -> dict[str, object]:
    """What the demo lacks for some pages (a finished audit run, a job, a routing rule), and the raw tokens of a
    lab link and a complaint that only their holders know."""
    # the demo's recorded audits: a service with two finished runs (the compare page needs both)
    service = Service.objects.filter(audit_runs__status=RunStatus.DONE).order_by("code").first()
    assert service is not None, "the demo records audit runs for its services with pages"
    runs = list(AuditRun.objects.filter(service=service, status=RunStatus.DONE).order_by("finished_at")[:2])
    assert len(runs) == 2
    job = Job.objects.create(kind="audit.run", state=JobState.SUCCEEDED, subject=f"audit.run:{runs[1].pk}",
                             progress_done=1, progress_total=1, step="storing the results", started_by=admin,
                             organisation=service.owner, result={"run": runs[1].pk})
    owner = service.owner
    rule = RoutingRule.objects.filter(owner=owner).first() or RoutingRule.objects.create(
        owner=owner, handler=owner, service=service, topic="")
    _, complaint_token = complaint_submit(service=service, text="Не могу записаться на приём уже неделю.",
                                          contact="citizen@example.ru")
    study = Study.objects.order_by("pk").last()
    if study.status == "closed":
        study = study_services.study_reopen(actor=admin, study=study)
    participant = participant_services.participant_recruit(
        actor=admin, study=study, full_name="Ирина Петрова", email="irina@example.org", phone="+7 900 000-00-00",
        client_category="citizens", age_band="35-44", region="RU-TUL", digital_confidence=3, disability=False,
        assisted_digital=False, screener_answers={"used_portal": "да", "works_in_it": "нет"})
    participant_services.consent_record(actor=admin, participant=participant, text_version="2026-01",
                                        recording_allowed=True)
    session = session_services.session_schedule(actor=admin, study=study, participant=participant,
                                                mode="unmoderated", moderator=None, scheduled_at=timezone.now())
    _, take_token = session_services.session_link_issue(actor=admin, session=session)
    issue = AuditIssue.objects.filter(page__run__in=runs).order_by("pk").first()
    return {"run_id": runs[0].pk, "other_id": runs[1].pk, "issue_id": issue.pk,
            "job_id": job.pk, "rule_id": rule.pk, "token": complaint_token, "take_token": take_token}


def page_values(admin: User) -> dict[str, object]:
    """A value for every URL parameter, from the demo data (and the records it lacks)."""
    values = extra_records(admin)
    study = Study.objects.filter(findings__isnull=False, tasks__isnull=False).order_by("pk").first()
    assessment = Assessment.objects.filter(adjustments__isnull=False).order_by("pk").first()
    values.update({
        "service_id": assessment.service_id,
        "pack_pk": StandardPack.objects.order_by("pk").first().pk,
        "assessment_id": assessment.pk,
        "requirement_id": assessment.outcomes.order_by("pk").first().requirement_id,
        "adjustment_id": Adjustment.objects.filter(assessment=assessment).first().pk,
        "study_id": study.pk,
        "task_id": Task.objects.filter(study=study).first().pk,
        "quota_id": (Quota.objects.filter(study=study).first() or Quota.objects.first()).pk,
        "participant_id": Participant.objects.filter(study=study).first().pk,
        "session_id": Session.objects.filter(study=study).first().pk,
        "observation_id": Observation.objects.filter(session__study=study).first().pk,
        "finding_id": Finding.objects.filter(study=study).first().pk,
        "survey_id": Survey.objects.order_by("pk").first().pk,
        "public_key": Survey.objects.order_by("pk").first().public_key,
        "complaint_id": Complaint.objects.order_by("pk").first().pk,
        "case_id": Case.objects.order_by("pk").first().pk,
        "proactive_run_id": Run.objects.order_by("pk").first().pk,  # audit runs take `run_id`
        "offer_id": Offer.objects.order_by("pk").first().pk,
        "payment_batch_id": PaymentBatch.objects.order_by("pk").first().pk,
        "draft_whatif_id": DraftWhatIf.objects.order_by("pk").first().pk,
        "programme_id": Programme.objects.order_by("pk").first().pk,
        "pilot_id": PilotProgramme.objects.order_by("pk").first().pk,
        "criterion_id": EffectivenessCriterion.objects.filter(  # pilots: the current version of the first pilot's
            programme=PilotProgramme.objects.order_by("pk").first(), superseded=False).order_by("pk").first().pk,
        "fmt": "csv",
        # maturity: the authority with the most evidence, and a dimension measured per service
        "organisation_id": IndexValue.objects.order_by("-coverage", "pk").first().organisation_id,
        "measure": "standards_met",
        "publication_id": IndexPublication.objects.order_by("pk").first().pk,
        # practices: the reviewed one shows the frozen flags; the submitted one's review page the evidence
        "self_assessment_id": SelfAssessment.objects.order_by("-status", "pk").first().pk,
    })
    return values


def readers(admin: User) -> list[User]:
    """Who reads the pages, in order: the administrator, then the officers who may see personal data that even
    the administrator may not (lab researchers: participants; proactive officers: proactive decisions; training
    officers: trainees' contacts). A page is read by the first who is not refused (403) or kept out of scope (404)."""
    officers = User.objects.filter(
        role__in=[Role.LAB_RESEARCHER, Role.PROACTIVE_OFFICER, Role.TRAINING_OFFICER]).order_by("role", "pk")
    return [admin, *officers]
