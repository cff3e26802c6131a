"""Demo feedback: a live survey per demo service and eight quarters of citizens' responses, through the same
import use case the app offers for historical responses.

Deterministic (one random.Random). Each service has a base satisfaction; most drift a little, one improves
after its lab re-test and one gets worse, so the dashboards have stories to tell. Drivers follow the overall
rating with different strengths, so the driver analysis finds an order. About one response in twelve carries a
comment in Russian or English; a few comments contain a phone number or an e-mail, which ingestion masks.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from govcx.complaints.case_services import case_close, case_open_flagged, case_start, cases_open_from_ratings
from govcx.complaints.models import Case
from govcx.complaints.services import Author, complaint_answer, complaint_submit, complaint_take
from govcx.feedback import services as feedback_services
from govcx.feedback import survey_templates
from govcx.feedback.analytics_sync import analytics_reset, analytics_sync
from govcx.feedback.models import Response, Survey, SurveyStatus
from govcx.feedback.text.analysis import embed_new_comments
from govcx.registry.models import Service

QUARTERS = 8
IMPROVING_SERVICE = "unified-allowance"  # its lab re-test showed the adjustments worked
WORSENING_SERVICE = "foreign-passport"
# How strongly each A-11 driver follows the overall rating: the driver analysis should rank them this way.
DRIVER_WEIGHTS = {"ease": 0.9, "efficiency": 0.8, "effectiveness": 0.6, "trust": 0.45, "equity": 0.3,
                  "employee": 0.25}
R1284_WEIGHTS = {"time_to_service": 0.85, "queue_wait": 0.75, "information_availability": 0.6,
                 "staff_courtesy": 0.4, "premises_comfort": 0.25}

COMMENTS_NEGATIVE_RU = (
    "Очень долго ждал в очереди, больше часа, хотя был записан на время.",
    "Сайт постоянно выдаёт ошибку при загрузке документов, пришлось ехать лично.",
    "Срок оказания услуги затянули, результат получил только через месяц.",
    "Сотрудник был груб и не объяснил, каких документов не хватает.",
    "Потребовали справку, которая у государства уже есть. Зачем?",
    "Непонятно, сколько стоит услуга и как оплатить госпошлину.",
    "Форма на портале не работает с экранным диктором, помогала дочь.",
    "Перезвоните мне, пожалуйста, по номеру +7 916 123-45-67, вопрос так и не решён.",
)
COMMENTS_POSITIVE_RU = (
    "Всё быстро и понятно, спасибо!",
    "Записался онлайн, пришёл точно ко времени, приняли без очереди.",
    "Вежливый специалист, помог заполнить заявление.",
    "Результат пришёл в личный кабинет раньше срока.",
)
COMMENTS_NEGATIVE_EN = (
    "The website kept crashing when I uploaded the scanned documents.",
    "I waited in the queue for almost two hours.",
    "Nobody told me the deadline had been extended; I had to call three times.",
    "Please contact me at maria.ivanova@example.com, my application seems lost.",
)
COMMENTS_POSITIVE_EN = (
    "Quick and clear, thank you.",
    "The staff member was very helpful and patient.",
)


@dataclass(frozen=True)
class FeedbackDemoSummary:
    surveys: int
    responses: int
    answers_in_analytics: int
    complaints: int


def _rating(rng: random.Random, centre: float, sd: float, low: int, high: int) -> int:
    return max(low, min(high, round(rng.gauss(centre, sd))))


def _quarter_starts(today: dt.date) -> list[dt.date]:
    """The first days of the eight quarters before the current one, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3  # quarter index of the current quarter, 0-based
    starts = []
    for _ in range(QUARTERS):
        quarter -= 1
        if quarter < 0:
            year, quarter = year - 1, 3
        starts.append(dt.date(year, 3 * quarter + 1, 1))
    return list(reversed(starts))


def _definition_for(service: Service) -> tuple[str, dict]:
    """Federal services ask the A-11 set; regional and municipal ones the Decree 1284 rating, plus an overall
    rating and NPS so that every service has the same headline measure."""
    if service.owner.level == "federal":
        return "a11_280", _template("a11_280")
    definition = _template("ru_1284")
    extra = _template("nps")["questions"][:1]
    overall = _template("csat")["questions"][:1]
    definition = {**definition, "questions": [*overall, *definition["questions"], *extra]}
    return "ru_1284", definition


def _template(name: str) -> dict:
    return survey_templates.template(name).model_dump(mode="json")


def _trend(code: str, quarter: int, base: float) -> float:
    if code == IMPROVING_SERVICE:
        return base + (0.0 if quarter < 4 else 0.3 * (quarter - 3))
    if code == WORSENING_SERVICE:
        return base - 0.18 * quarter
    return base + 0.03 * math.sin(quarter + len(code))


def build_feedback_demo(
    *, services: dict[str, Service], actor, rng: random.Random, today: dt.date, responses_total: int,
    report: Callable[[str, int, int], None],
) -> FeedbackDemoSummary:
    analytics_reset()
    starts = _quarter_starts(today)
    codes = sorted(services)
    weights = {code: rng.lognormvariate(0, 0.8) for code in codes}
    for story in (IMPROVING_SERVICE, WORSENING_SERVICE):  # busy services, so their stories are clear
        if story in weights:
            weights[story] = max(weights.values())
    scale = responses_total / sum(weights.values())
    created = 0
    for index, code in enumerate(codes, start=1):
        service = services[code]
        template, definition = _definition_for(service)
        survey = feedback_services.survey_create(
            service=service, title=f"{service.name_ru}: оценка качества", template=template,
            definition=definition, actor=actor,
        )
        Survey.objects.filter(pk=survey.pk).update(  # open since the first quarter of the imported history
            status=SurveyStatus.LIVE, rate_limit_per_minute=120,
            opened_at=dt.datetime.combine(starts[0], dt.time(0), tzinfo=dt.UTC))
        survey.refresh_from_db()
        base = 2.9 + 1.6 * rng.random()
        base = {IMPROVING_SERVICE: 3.0, WORSENING_SERVICE: 4.2}.get(code, base)  # room to move on a 1–5 scale
        rows = []
        count = max(20, math.ceil(weights[code] * scale))  # rounded up: at least responses_total in all
        for number in range(count):
            quarter = min(QUARTERS - 1, int(QUARTERS * (number + rng.random()) / count))
            start = starts[quarter]
            moment = dt.datetime.combine(start, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(
                days=rng.randrange(90), minutes=rng.randrange(12 * 60))
            rows.append((number + 2, _submission(rng, code, template, _trend(code, quarter, base), moment, number)))
        result = feedback_services.responses_import(survey=survey, rows=rows, actor=actor)
        created += result.created
        report("citizen feedback", index, len(codes))
    complaints = _complaints(services=services, actor=actor, rng=rng, today=today)
    _cases(services=services, actor=actor, rng=rng)
    copied = analytics_sync(settle_seconds=0)
    # what `govcx worker` does within two minutes: the comments page then reads their vectors from the first view
    embed_new_comments(lambda done, of: report("comment meaning", done, of))
    return FeedbackDemoSummary(surveys=len(codes), responses=created, answers_in_analytics=copied,
                               complaints=complaints)


DEMO_SURNAMES = ("Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова",
                 "Морозов", "Волкова")
DEMO_INITIALS = ("А. В.", "И. С.", "Е. Н.", "О. П.", "М. А.", "Д. К.", "Н. Г.")


def _complaints(*, services: dict[str, Service], actor, rng: random.Random, today: dt.date) -> int:
    """Some unhappy commenters in the last four months also asked for an answer: most were answered, some are
    in work, a few are overdue, so the complaint lists and the overdue check have something to show."""
    negative = list(
        Response.objects.filter(submitted_at__date__gte=today - dt.timedelta(days=120), is_spam=False)
        .exclude(comment="").filter(answers__question_key="overall", answers__value__lte=3)
        .select_related("service").order_by("id")
    )
    rng.shuffle(negative)
    chosen = negative[:min(400, max(10, round(0.35 * len(negative))))]
    for number, response in enumerate(chosen):
        # Most give a postal address; every twentieth an e-mail too, so a few confirmations go through the outbox.
        email = f"citizen{number:04d}@example.org" if number % 20 == 0 else ""
        author = Author(name=f"{DEMO_SURNAMES[number % len(DEMO_SURNAMES)]} {DEMO_INITIALS[number % 7]}",
                        email=email, postal_address=f"г. Тула, ул. Ленина, д. {1 + number % 120}, кв. {1 + number}",
                        consent=True)
        complaint, _token = complaint_submit(
            service=response.service, text=response.comment, author=author, response=response,
            received_on=response.submitted_at.date(),
        )
        fate = rng.random()
        if fate < 0.55:
            complaint = complaint_take(complaint=complaint, actor=actor, expected_version=complaint.version)
            complaint_answer(complaint=complaint, actor=actor, expected_version=complaint.version,
                             answer="Спасибо за обращение. Мы разобрались в ситуации и приняли меры; "
                                    "подробности направлены по указанному вами адресу.")
        elif fate < 0.8:
            complaint_take(complaint=complaint, actor=actor, expected_version=complaint.version)
    return len(chosen)


def _cases(*, services: dict[str, Service], actor, rng: random.Random) -> int:
    """Closing the loop: this week's one-tap ratings include a few low ones, which open cases as the worker's
    schedule does; an analyst flags a few comments; the teams have started some cases and closed others."""
    for number, code in enumerate(sorted(rng.sample(sorted(services), k=min(6, len(services))))):
        survey = Survey.objects.filter(service=services[code]).order_by("pk").first()
        feedback_services.response_submit(survey=survey, submission=feedback_services.Submission(
            idempotency_key=f"demo:recent:{code}", answers={"overall": 1 + number % 2}, partial=True,
            channel="web", elapsed_seconds=20))
    opened = cases_open_from_ratings()
    recent = list(Response.objects.filter(is_spam=False, case__isnull=True).exclude(comment="")
                  .order_by("-submitted_at", "-id").values_list("id", flat=True)[:3])
    for response_id in recent:
        case_open_flagged(response_id=response_id, actor=actor)
    cases = list(Case.objects.order_by("id"))
    rng.shuffle(cases)
    for number, case in enumerate(cases):
        if number % 3 == 0:
            case_start(case=case, actor=actor, expected_version=case.version)
        elif number % 3 == 1:
            case_close(case=case, actor=actor, expected_version=case.version,
                       note="Перезвонили заявителю, извинились и записали на удобное время; сотрудникам офиса "
                            "напомнили о порядке приёма.")
    return opened + len(recent)


def _submission(rng: random.Random, code: str, template: str, quality: float, moment: dt.datetime,
                number: int) -> feedback_services.Submission:
    overall = _rating(rng, quality, 0.95, 1, 5)
    answers: dict[str, object] = {"overall": overall}
    weights = DRIVER_WEIGHTS if template == "a11_280" else R1284_WEIGHTS
    for key, weight in weights.items():
        answers[key] = _rating(rng, weight * overall + (1 - weight) * quality + rng.gauss(0, 0.4), 0.6, 1, 5)
    if template == "a11_280":
        answers["staff_contact"] = rng.random() < 0.4
        if not answers["staff_contact"]:
            answers.pop("employee")
    else:
        answers["nps"] = _rating(rng, 2.2 * overall - 1.2, 1.3, 0, 10)
    channel = rng.choice(("web", "web", "widget", "office", "mobile"))
    context: dict[str, str] = {}
    if channel == "office":
        context["office"] = f"MFC-{rng.randrange(1, 40):02d}"
    if rng.random() < 0.085:
        english = rng.random() < 0.2
        if overall <= 3:
            pool = COMMENTS_NEGATIVE_EN if english else COMMENTS_NEGATIVE_RU
        else:
            pool = COMMENTS_POSITIVE_EN if english else COMMENTS_POSITIVE_RU
        answers["comment"] = rng.choice(pool)
    return feedback_services.Submission(
        idempotency_key=f"demo:{code}:{number}", answers=answers, context=context, channel=channel,
        client_category=rng.choice(("citizens", "citizens", "citizens", "businesses")),
        language="ru", submitted_at=moment, elapsed_seconds=30 + rng.random() * 200,
    )
