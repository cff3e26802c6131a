"""Demo training programmes: four authorities two years into their three-year programme, ~31 000 people in all.

Moscow's and the Ministry of Labour's organisations train at a pace that reaches everyone by the deadline, Tula's
and Lipetsk's mostly fall behind (one organisation of each keeps up); the attitude questionnaire improved on most
items (one item barely moves). Rosters go in through the roster import, completions and answers in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from govcx.training.instrument import ITEMS
from govcx.training.models import AttitudeAnswer, AttitudeItem, Completion, Person, Programme
from govcx.training.services.programme import course_create, programme_create, questionnaire_seed
from govcx.training.services.roster_imports import roster_import
from govcx.training.services.trained import trained_refresh

HEADER = "person_id,organisation,position_category,region,started_on,left_on,work_email,manager_id\n"
# authority: (region, {organisation: (people, share trained now, share of the trained who did it in 90 days)})
PROGRAMMES: dict[str, tuple[str, dict[str, tuple[int, float, float]]]] = {
    "moscow-gov": ("RU-MOW", {"moscow-gov": (2500, 0.72, 0.16), "moscow-dtszn": (3500, 0.70, 0.17),
                              "moscow-education": (3000, 0.66, 0.18), "moscow-zags": (1200, 0.80, 0.14),
                              "moscow-dpir": (1800, 0.68, 0.17)}),
    "mintrud": ("RU-MOW", {"mintrud": (2500, 0.69, 0.17), "rostrud": (5500, 0.64, 0.19)}),
    "tula-gov": ("RU-TUL", {"tula-gov": (1200, 0.45, 0.08), "tula-education": (1500, 0.35, 0.07),
                            "tula-social": (1300, 0.70, 0.17), "tula-zags": (300, 0.40, 0.08),
                            "tula-city": (1100, 0.30, 0.06), "novomoskovsk": (600, 0.28, 0.05)}),
    "lipetsk-gov": ("RU-LIP", {"lipetsk-gov": (1100, 0.50, 0.09), "lipetsk-social": (1300, 0.68, 0.17),
                               "lipetsk-employment": (900, 0.42, 0.08), "lipetsk-city": (1200, 0.38, 0.07),
                               "yelets": (500, 0.33, 0.06)}),
}
CATEGORIES = (("manager", 0.12), ("adviser", 0.08), ("specialist", 0.6), ("support", 0.2))
NAMES = {"basics": ("Основы клиентоцентричности", "https://learn.gov.example/course/cx-basics", "elearning"),
         "plain": ("Понятный язык для госслужащих", "https://learn.gov.example/course/plain-language",
                   "elearning"),
         "leading": ("Руководство клиентоцентричной командой", "https://learn.gov.example/course/cx-leadership",
                     "classroom")}
REQUIRED = {"basics": ["manager", "adviser", "specialist", "support"], "plain": ["adviser", "specialist"],
            "leading": ["manager"]}
SMALL_CHANGE_ITEM = "cl_jargon"  # the one item the training barely moves


def build_training_demo(*, orgs: dict[str, Any], actor: Any, rng: random.Random, today: dt.date,
                        report: Callable[[str, int, int], None], scale: float = 1.0) -> int:
    """Build the programmes; the number of people on their rosters."""
    total = 0
    for step, (authority, (region, members)) in enumerate(PROGRAMMES.items()):
        report("training programmes", step, len(PROGRAMMES))
        programme = programme_create(actor=actor, organisation=orgs[authority],
                                     starts_on=today - dt.timedelta(days=730),
                                     name="Клиентоцентричность для каждого госслужащего — "
                                          f"{orgs[authority].name_ru or orgs[authority].name_en}")
        courses = {code: course_create(actor=actor, programme=programme, code=code, name=name, kind=kind,
                                       activity_id=activity, position_categories=REQUIRED[code])
                   for code, (name, activity, kind) in NAMES.items()}
        questionnaire_seed(actor=actor, programme=programme)
        sizes = {org: max(20, int(size * scale)) for org, (size, _s, _r) in members.items()}
        roster_import(actor=actor, programme=programme, data=_roster(authority, region, sizes, rng, today),
                      file_name=f"{authority}-staff.csv", today=today)
        _completions(programme, courses, members, rng, today)
        _answers(programme, rng, today)
        total += sum(sizes.values())
    return total


def _roster(authority: str, region: str, sizes: dict[str, int], rng: random.Random, today: dt.date) -> bytes:
    lines = [HEADER]
    for org, size in sizes.items():
        managers: list[str] = []
        for i in range(size):
            key = f"{org}-{i:05d}"
            category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
            if category == "manager" or not managers:
                managers.append(key)
            started = today - dt.timedelta(days=rng.randint(30, 365 * 15))
            manager = rng.choice(managers) if key not in managers[:1] else ""
            lines.append(f"{key},{org},{category},{region},{started.isoformat()},,{key}@{authority}.example.gov,"
                         f"{manager}\n")
    return "".join(lines).encode()


def _completions(programme: Programme, courses: dict[str, Any], members: dict[str, tuple[int, float, float]],
                 rng: random.Random, today: dt.date) -> None:
    start = programme.starts_on
    made: list[Completion] = []
    for person_id, org_code, category in Person.objects.filter(programme=programme).values_list(
            "id", "organisation__code", "position_category"):
        _size, share, recent = members[org_code]
        if rng.random() >= share:
            # some of those not yet trained have done part of it
            if rng.random() < 0.3:
                made.append(Completion(person_id=person_id, course=courses["basics"], source="xapi",
                                       completed_on=start + dt.timedelta(days=rng.randint(0, (today - start).days))))
            continue
        if rng.random() < recent:
            finished = today - dt.timedelta(days=rng.randint(0, 89))
        else:
            finished = start + dt.timedelta(days=rng.randint(30, (today - start).days - 90))
        needed = [code for code, categories in REQUIRED.items() if category in categories]
        for index, code in enumerate(needed):
            day = finished if index == len(needed) - 1 else finished - dt.timedelta(days=rng.randint(1, 60))
            source = "attendance" if code == "leading" else rng.choice(["xapi", "xapi", "file"])
            made.append(Completion(person_id=person_id, course=courses[code], completed_on=max(day, start),
                                   source=source))
    Completion.objects.bulk_create(made, batch_size=5000)
    trained_refresh(programme=programme)


def _answers(programme: Programme, rng: random.Random, today: dt.date) -> None:
    items = {i.code: i for i in AttitudeItem.objects.filter(programme=programme)}
    sample = list(Person.objects.filter(programme=programme).values_list("person_key", "trained_on"))
    rng.shuffle(sample)
    answers: list[AttitudeAnswer] = []
    for key, trained_on in sample[:600]:
        baseline = rng.gauss(3.0, 0.6)
        for spec in ITEMS:
            pre = _clip(baseline + rng.gauss(0, 0.7) + (-0.4 if spec.reverse else 0))
            pre_value = 6 - pre if spec.reverse else pre
            answers.append(AttitudeAnswer(item=items[spec.code], person_key=key, wave="pre", value=pre_value,
                                          answered_on=programme.starts_on + dt.timedelta(days=rng.randint(0, 60))))
            if trained_on is None:
                continue
            gain = 0.05 if spec.code == SMALL_CHANGE_ITEM else 0.55
            post = _clip(pre + rng.gauss(gain, 0.7))
            answers.append(AttitudeAnswer(item=items[spec.code], person_key=key, wave="post",
                                          value=6 - post if spec.reverse else post, answered_on=trained_on))
            if trained_on < today - dt.timedelta(days=180):
                later = _clip(pre + rng.gauss(gain * 0.7, 0.8))
                answers.append(AttitudeAnswer(item=items[spec.code], person_key=key, wave="follow_up",
                                              value=6 - later if spec.reverse else later,
                                              answered_on=trained_on + dt.timedelta(days=150)))
    AttitudeAnswer.objects.bulk_create(answers, batch_size=5000)


def _clip(value: float) -> int:
    return max(1, min(5, round(value)))
