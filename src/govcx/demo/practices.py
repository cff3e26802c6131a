"""Demo self-assessments of management practices for the last full quarter: the Tula region's, reviewed by the
central office (it rated itself high where the evidence says otherwise, so the review shows contradiction flags
and the office's own levels), Moscow's submitted and awaiting review, and Lipetsk's still a draft.

Built through the practices use cases, after every other area, so the flags read the demo's own evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from govcx.practices.questionnaire import quarter_of
from govcx.practices.selectors import assessment_flags
from govcx.practices.services import (
    self_assessment_answer,
    self_assessment_create,
    self_assessment_review,
    self_assessment_submit,
)

# authority: (its officer, {function: (level, why)})
ANSWERS: dict[str, tuple[str, dict[str, tuple[int, str]]]] = {
    "tula-gov": ("owner.tula", {
        "measurement": (4, "Опрос удовлетворённости подключён ко всем услугам, итоги рассматриваются на планёрках."),
        "culture": (4, "Большинство сотрудников прошли курс «Основы клиентоцентричности»."),
        "customer_research": (4, "Перед изменениями услуг проводим интервью с заявителями."),
        "service_design": (4, "Все новые услуги проходят оценку по стандарту до запуска."),
        "governance": (3, "Назначен заместитель губернатора, ответственный за клиентоцентричность."),
    }),
    "moscow-gov": ("owner.moscow", {
        "measurement": (4, "Отзывы собираются по всем услугам портала, руководители видят их еженедельно."),
        "culture": (3, "Обучение идёт по плану, охвачено больше половины сотрудников."),
        "customer_research": (3, "Крупные изменения проверяем в лаборатории на реальных пользователях."),
        "service_design": (3, "Новые услуги проектируем вокруг жизненных ситуаций."),
        "governance": (4, "У каждой услуги есть владелец, план обеспечен финансированием."),
    }),
    "lipetsk-gov": ("owner.lipetsk", {
        "measurement": (2, "Отзывы собираем по отдельным услугам."),
        "culture": (2, "Обучение начато в части подразделений."),
    }),
}
REVIEW_COMMENT = ("Самооценка по измерению и проектированию услуг не подтверждается данными; уровни снижены. "
                  "Просим подключить опросы и провести оценку услуг по стандарту.")


def _answers(levels: dict[str, tuple[int, str]]) -> list[dict[str, Any]]:
    return [{"function": code, "level": level, "justification": why,
             "evidence_links": [f"https://gov.example/reports/{code}"]} for code, (level, why) in levels.items()]


def build_practices_demo(*, orgs: dict[str, Any], users: dict[str, Any], today: dt.date,
                         report: Callable[[str, int, int], None]) -> None:
    period = str(quarter_of(today).shifted(-1))
    total = len(ANSWERS)
    for i, (code, (username, levels)) in enumerate(ANSWERS.items(), start=1):
        officer = users[username]
        assessment = self_assessment_create(actor=officer, organisation_id=orgs[code].pk, period=period)
        assessment = self_assessment_answer(actor=officer, assessment=assessment, answers=_answers(levels))
        if code != "lipetsk-gov":
            assessment = self_assessment_submit(actor=officer, assessment=assessment)
        if code == "tula-gov":
            # the office lowers each level the evidence contradicts, one below the self-score
            scores = [{"function": flag.function, "level": flag.level - 1, "reason": flag.reason_ru}
                      for flag in assessment_flags(assessment)]
            unique = {s["function"]: s for s in scores}
            self_assessment_review(actor=users["analyst"], assessment=assessment, decision="reviewed",
                                   comment=REVIEW_COMMENT, scores=list(unique.values()))
        report("self-assessments of management practices", i, total)
