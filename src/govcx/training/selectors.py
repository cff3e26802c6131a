"""Reads of the training programme: programmes through the user's scope, coverage and forecast (aggregated in the
database: one grouped scan of the roster), the people still to train, attitude results, and what the xAPI Agents and
Activities resources answer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import Count, F, QuerySet, Sum

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access, can, organisation_in_scope
from govcx.registry.models import Organisation
from govcx.training import attitudes, xapi, xapi_lookups
from govcx.training.forecast import WINDOW_DAYS, Forecast, forecast
from govcx.training.groups import may_show
from govcx.training.models import (
    AttitudeAnswer,
    AttitudeItem,
    Completion,
    Course,
    CoverageTally,
    LearningPlatform,
    Person,
    Programme,
    Reminder,
    Requirement,
    RosterImport,
    Statement,
    XapiActivity,
)

GROUPINGS = {"organisation": "organisation_id", "region": "region_code", "position_category": "position_category"}


def programme_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Programme]:
    return Programme.objects.for_user(user, action).select_related("organisation")


def access_programme(user: Any, programme_id: Any, action: Action = Action.VIEW) -> Programme:
    return access(Programme.objects.select_related("organisation"), user, programme_id, action, what="programme")


def access_course(user: Any, course_id: Any, action: Action = Action.VIEW) -> Course:
    return access(Course.objects.select_related("programme"), user, course_id, action, what="course")


def programme_organisation_codes(programme: Programme) -> dict[str, int]:
    """Code → id of the programme's organisation and every organisation below it."""
    found = {programme.organisation.code: programme.organisation_id}
    frontier = {programme.organisation_id}
    while frontier:
        children = dict(Organisation.objects.filter(parent_id__in=frontier).values_list("code", "id"))
        frontier = set(children.values()) - set(found.values())
        found.update(children)
    return found


def required_categories(programme: Programme) -> list[str]:
    return sorted(set(Requirement.objects.filter(programme=programme).values_list("position_category", flat=True)))


def roster(programme: Programme, categories: list[str] | None = None) -> QuerySet[Person]:
    """The people the programme must train: on the roster, not left, in a position some course is required for."""
    return Person.objects.filter(programme=programme, left_on__isnull=True, position_category__in=(
        required_categories(programme) if categories is None else categories))


@dataclass(frozen=True)
class CoverageRow:
    key: Any
    forecast: Forecast


def coverage(programme: Programme, *, by: str = "organisation", today: dt.date) -> list[CoverageRow]:
    """Coverage and forecast per organisation, region or position category (and the whole programme first).

    People and trained people are sums of the programme's coverage tallies (`CoverageTally`, a few rows per
    organisation); the people trained in the forecast's window are counted from the roster's partial index of
    trained people by date (`training_person_recent`), so the page never scans the roster."""
    column = GROUPINGS[by]
    since = today - dt.timedelta(days=WINDOW_DAYS)
    categories = required_categories(programme)
    tallies = (CoverageTally.objects.filter(programme=programme, position_category__in=categories).order_by()
               .values(column).annotate(people=Sum("people"), trained=Sum("trained")))
    recent = dict(roster(programme, categories).filter(trained_on__gt=since).order_by().values_list(column)
                  .annotate(n=Count("id")))
    rows = [CoverageRow(t[column], forecast(people=t["people"], trained=t["trained"],
                                            trained_in_window=recent.get(t[column], 0), today=today,
                                            deadline=programme.deadline_on))
            for t in tallies if t["people"]]
    rows.sort(key=lambda r: (r.forecast.on_track, r.forecast.share, str(r.key)))
    return rows


def total(rows: list[CoverageRow], programme: Programme, today: dt.date) -> Forecast:
    return forecast(people=sum(r.forecast.people for r in rows), trained=sum(r.forecast.trained for r in rows),
                    trained_in_window=sum(r.forecast.trained_in_window for r in rows), today=today,
                    deadline=programme.deadline_on)


def course_coverage(programme: Programme) -> list[tuple[Course, int, int]]:
    """(course, people required to take it, of them completed) for every course of the programme.

    A trained person (`trained_on` set) has completed every course their position requires, so the completions
    are counted as the trained people per position (from the coverage tallies)
    plus the completions of people part-way through (`courses_done` > 0, a partial index), the only ones joined
    with the completions table. Joining every completion with the roster took 37 s over 2 million people, and
    joining the people not trained yet still 4 s."""
    counts = {row["position_category"]: row for row in CoverageTally.objects.filter(programme=programme).order_by()
              .values("position_category").annotate(people=Sum("people"), trained=Sum("trained"))}
    partial = dict(
        Completion.objects.filter(person__programme=programme, person__left_on__isnull=True,
                                  person__trained_on__isnull=True, person__courses_done__gt=0,
                                  course__requirements__position_category=F("person__position_category"))
        .order_by().values_list("course_id").annotate(n=Count("id"))
    )
    out = []
    for course in Course.objects.filter(programme=programme).prefetch_related("requirements"):
        categories = [counts[r.position_category] for r in course.requirements.all() if r.position_category in counts]
        out.append((course, sum(c["people"] for c in categories),
                    sum(c["trained"] for c in categories) + partial.get(course.pk, 0)))
    return out


def organisation_names(ids: list[Any]) -> dict[int, Any]:
    return {o.pk: o for o in Organisation.objects.filter(pk__in=[i for i in ids if i is not None])}


def people_to_train(programme: Programme, *, organisation_id: int | None = None) -> QuerySet[Person]:
    """The people still to train (pseudonymous ids: anyone who sees the programme may read them)."""
    people = roster(programme).filter(trained_on__isnull=True).select_related("organisation")
    if organisation_id is not None:
        people = people.filter(organisation_id=organisation_id)
    return people.order_by("organisation_id", "person_key")


def people_to_train_count(programme: Programme, *, organisation_id: int | None = None) -> int:
    """How many people `people_to_train` lists, from the coverage tallies (a count would scan the roster)."""
    tallies = CoverageTally.objects.filter(programme=programme, position_category__in=required_categories(programme))
    if organisation_id is not None:
        tallies = tallies.filter(organisation_id=organisation_id)
    found = tallies.aggregate(people=Sum("people"), trained=Sum("trained"))
    return int((found["people"] or 0) - (found["trained"] or 0))


class Counted:
    """A queryset with its length known beforehand, for a paginator (which would otherwise count the rows)."""

    def __init__(self, queryset: QuerySet[Person], count: int) -> None:
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Person]:
        return iter(self.queryset)

    @overload
    def __getitem__(self, index: int) -> Person: ...

    @overload
    def __getitem__(self, index: slice) -> QuerySet[Person]: ...

    def __getitem__(self, index: int | slice) -> Person | QuerySet[Person]:
        return self.queryset[index]


def may_see_contacts(user: Any, programme: Programme) -> bool:
    """Work e-mails and managers: the training officers of the programme's organisation tree only."""
    return organisation_in_scope(user, programme.organisation_id, Action.VIEW_TRAINEES) and \
        can(user, Action.VIEW_TRAINEES)


@dataclass(frozen=True)
class AttitudeRow:
    code: str  # an item's code or a scale's
    is_scale: bool
    text: str
    post: attitudes.PairedChange | None
    follow_up: attitudes.PairedChange | None
    versus_untrained: attitudes.GroupDifference | None


def attitude_results(programme: Programme, *, language: str = "en") -> list[AttitudeRow]:
    """Paired change per item and per scale (pre → post, pre → follow-up) and trained-vs-untrained; groups under
    ten people come back as None (never shown)."""
    items = list(AttitudeItem.objects.filter(programme=programme))
    answers: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))  # wave→person→item
    for item_code, person, wave, value in AttitudeAnswer.objects.filter(item__programme=programme).values_list(
            "item__code", "person_key", "wave", "value"):
        answers[wave][person][item_code] = float(value)
    untrained = set(Person.objects.filter(programme=programme, trained_on__isnull=True)
                    .filter(person_key__in=list(answers["pre"].keys())).values_list("person_key", flat=True))
    rows = []
    scales: dict[str, list[AttitudeItem]] = defaultdict(list)
    for item in items:
        scales[item.scale].append(item)
    Unit = tuple[str, bool, str, list[str], frozenset[str]]
    units: list[Unit] = [(i.code, False, i.text_ru if language == "ru" else i.text_en, [i.code], frozenset())
                         for i in items]
    units += [(scale, True, scale, [i.code for i in members], frozenset(i.code for i in members if i.reverse))
              for scale, members in scales.items()]
    for code, is_scale, text, codes, reverse in units:
        if is_scale:
            waves = {w: attitudes.scale_scores(answers[w], codes, reverse, 5) for w in ("pre", "post", "follow_up")}
        else:
            waves = {w: {p: a[code] for p, a in answers[w].items() if code in a} for w in ("pre", "post", "follow_up")}
        post = attitudes.paired_change(*attitudes.paired(waves["pre"], waves["post"]))
        follow = attitudes.paired_change(*attitudes.paired(waves["pre"], waves["follow_up"]))
        versus = attitudes.group_difference(list(waves["post"].values()),
                                            [v for p, v in waves["pre"].items() if p in untrained])
        rows.append(AttitudeRow(code, is_scale, text, post, follow, versus))
    return rows


def respondents(programme: Programme) -> int:
    return AttitudeAnswer.objects.filter(item__programme=programme).values("person_key").distinct().count()


def roster_imports(programme: Programme) -> QuerySet[RosterImport]:
    return RosterImport.objects.filter(programme=programme)


def platforms(programme: Programme) -> QuerySet[LearningPlatform]:
    return LearningPlatform.objects.filter(programme=programme)


def reminders(programme: Programme) -> QuerySet[Reminder]:
    return Reminder.objects.filter(programme=programme)


def group_visible(people: int) -> bool:
    return may_show(people)


AGENT_NAMES_FROM = 100  # the latest statements of an agent its Person Object's names are read from


def xapi_person(*, programme_id: int, agent: dict[str, Any]) -> dict[str, Any]:
    """The Agents resource's Person Object: the requested Agent with the names the programme's statements gave it."""
    key = xapi.agent_key(agent) or ""
    bodies = (Statement.objects.filter(platform__programme_id=programme_id, keys__kind="a", keys__key=key[:500])
              .order_by("-stored").values_list("body", flat=True)[:AGENT_NAMES_FROM])
    return xapi_lookups.person_object(agent, [agent.get("name", ""), *xapi_lookups.names_seen(bodies, key)])


def xapi_activity(*, programme_id: int, activity_id: str) -> dict[str, Any]:
    """The Activities resource's Activity Object: the definition kept from the statements, else a course's name."""
    definition = XapiActivity.objects.filter(programme_id=programme_id, activity_id=activity_id) \
        .values_list("definition", flat=True).first()
    if definition is None:
        course = Course.objects.filter(programme_id=programme_id, activity_id=activity_id).values_list(
            "name", flat=True).first()
        definition = {"name": {"und": course}} if course else None
    return xapi_lookups.activity_object(activity_id, definition)
