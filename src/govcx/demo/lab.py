"""Demo data of the user testing laboratory: three services each with a closed study (one ready, one to launch
with adjustments, one not ready) and a re-test of the not-ready one that improved. The Analytical Centre is the
lab; its researcher (researcher.ac) runs every study through the lab's use cases, so the data is what the app
itself would record. Deterministic: one random.Random(seed); names appear only in personal fields.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Action, Role
from govcx.lab.models import OwnerConsent, Study
from govcx.lab.services import finding as finding_services
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.registry.models import Organisation, Service

SEED = 20261129
LAB_ORGANISATION = "analytical-centre"
RESEARCHER = "researcher.ac"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TaskSpec:
    key: str
    title: str
    scenario: str
    critical: bool
    median_seconds: float
    failures: int = 0  # participants who do not complete it


@dataclass(frozen=True)
class FindingSpec:
    title: str
    severity: int
    task: str | None
    recommendation: str
    notes: tuple[str, ...]  # observation texts, one per affected participant
    status: str = "open"
    affected: int = 0  # participants affected (0: as many as notes)


@dataclass(frozen=True)
class StudySpec:
    key: str
    service: str
    title: str  # in Russian
    title_en: str
    questions: str
    tasks: tuple[TaskSpec, ...]
    participants: int
    sus: str  # good | fair | poor
    findings: tuple[FindingSpec, ...]
    retest_of: str = ""
    fixed_after: tuple[str, ...] = field(default_factory=tuple)  # findings of the original fixed before the re-test


RU_NAMES = ("Анна Кузнецова", "Дмитрий Соколов", "Елена Попова", "Игорь Лебедев", "Мария Новикова", "Сергей Морозов",
            "Ольга Волкова", "Алексей Фёдоров", "Наталья Егорова", "Павел Козлов", "Татьяна Орлова",
            "Виктор Павлов", "Ирина Семёнова", "Николай Голубев")
EN_NAMES = ("Emily Carter", "James Wilson", "Sophie Turner", "Daniel Brooks", "Hannah Price", "Oliver Grant")
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")

STUDIES: tuple[StudySpec, ...] = (
    StudySpec(
        key="first-grade", service="first-grade-tula", title="Запись в первый класс: бета-тест",
        title_en="First grade enrolment, beta",
        questions="Могут ли родители найти нужную школу и подать заявление, пока есть места?\n"
                  "Понимают ли родители, какие документы нужны и когда придёт ответ?",
        tasks=(
            TaskSpec("find-school", "Найти школу по адресу", "Ваш ребёнок пойдёт в первый класс. Найдите школу, "
                     "закреплённую за вашим домом.", True, 55),
            TaskSpec("submit-application", "Подать заявление", "Подайте заявление о зачислении в найденную школу.",
                     True, 210),
            TaskSpec("upload-documents", "Загрузить документы", "Приложите свидетельство о рождении.", False, 95, 1),
            TaskSpec("check-status", "Узнать статус заявления", "Проверьте, на каком этапе ваше заявление.",
                     False, 40, 1),
            TaskSpec("cancel-application", "Отозвать заявление", "Вы передумали: отзовите заявление.", False, 60, 2),
        ),
        participants=12, sus="good",
        findings=(
            FindingSpec("Кнопка «Отозвать» спрятана в меню", 2, "cancel-application",
                        "Показать кнопку отзыва рядом со статусом заявления.",
                        ("Искала кнопку отзыва 40 секунд, нашла в «Ещё»",
                         "Не нашёл, как отозвать; попросил помощи", "Открыл меню случайно")),
            FindingSpec("Статусы заявления написаны ведомственным жаргоном", 3, "check-status",
                        "Заменить «Зарегистрировано в ЕГПУ» простыми словами: «Заявление получено».",
                        ("Не поняла, что значит «Зарегистрировано в ЕГПУ»", "Спросила, что значит «статус 3»"),
                        status="fixed"),
            FindingSpec("Размер файла не подсказан заранее", 1, "upload-documents",
                        "Назвать предельный размер файла до кнопки загрузки.", ("Файл 12 МБ отклонён без объяснения",)),
        ),
    ),
    StudySpec(
        key="allowance", service="unified-allowance",
        title="Единое пособие: проверка нового мастера",
        title_en="Unified allowance: the new wizard",
        questions="Понимают ли семьи условия по доходам до подачи заявления?\n"
                  "Сколько времени занимает заполнение сведений о доходах?",
        tasks=(
            TaskSpec("check-eligibility", "Проверить право на пособие", "Узнайте, положено ли вашей семье пособие.",
                     True, 120),
            TaskSpec("fill-income", "Указать доходы семьи", "Заполните сведения о доходах за последний год.", True,
                     340),
            TaskSpec("choose-payment", "Выбрать способ выплаты", "Укажите карту «Мир» для выплаты.", False, 70, 1),
            TaskSpec("submit", "Отправить заявление", "Проверьте данные и отправьте заявление.", True, 80),
            TaskSpec("find-decision", "Найти решение", "Найдите, когда будет принято решение.", False, 45, 3),
            TaskSpec("change-details", "Изменить реквизиты", "Вы сменили банк: обновите реквизиты.", False, 150, 2),
        ),
        participants=12, sus="fair",
        findings=(
            FindingSpec("Непонятен расчётный период дохода", 3, "fill-income",
                        "Показать точные 12 месяцев расчёта, например «с 1 марта 2025 по 28 февраля 2026».",
                        ("Не поняла, за какие месяцы указывать доход", "Указал доход за календарный год",
                         "Спросил модератора про расчётный период", "Дважды посчитала не те месяцы")),
            FindingSpec("Срок решения не указан", 2, "find-decision",
                        "Указать срок — 10 рабочих дней — на странице подтверждения.",
                        ("Искал срок в разделе «Помощь»", "Ждал письма с датой решения")),
            FindingSpec("Форма реквизитов не принимает пробелы в номере счёта", 2, "change-details",
                        "Принимать пробелы и убирать их.", ("Номер счёта с пробелами не принимается",)),
        ),
    ),
    StudySpec(
        key="retirement", service="retirement-online",
        title="Выход на пенсию онлайн: альфа",
        title_en="Retirement online, alpha",
        questions="Могут ли люди предпенсионного возраста подать заявление без визита в офис?\n"
                  "Где нужна помощь тем, кто пользуется цифровыми услугами с поддержкой?",
        tasks=(
            TaskSpec("check-record", "Проверить стаж", "Проверьте, сколько у вас стажа и баллов.", True, 150, 1),
            TaskSpec("apply", "Подать заявление о назначении пенсии", "Подайте заявление о назначении пенсии.",
                     True, 420, 3),
            TaskSpec("add-period", "Добавить период работы", "Добавьте период работы, которого нет в выписке.",
                     False, 300, 4),
            TaskSpec("choose-delivery", "Выбрать способ доставки", "Выберите доставку пенсии на карту.", False, 90, 1),
            TaskSpec("track", "Отследить заявление", "Узнайте, рассмотрено ли заявление.", False, 60, 2),
        ),
        participants=8, sus="poor",
        findings=(
            FindingSpec("Подтверждение через СМС истекает за 60 секунд", 4, "apply",
                        "Давать не меньше 5 минут и кнопку повторной отправки; не терять заполненную форму.",
                        ("Код истёк, форма очистилась — ушла", "Потерял всю форму, когда истёк код из СМС",
                         "Не успел ввести код, пришлось начинать заново")),
            FindingSpec("Для периода работы требуется ИНН работодателя", 3, "add-period",
                        "Сделать ИНН необязательным; искать работодателя по названию.",
                        ("Не знаю ИНН работодателя 1989 года", "Сдался: у закрытой организации нет ИНН",
                         "Искала ИНН в трудовой книжке", "Попросила помощи с полем ИНН")),
            FindingSpec("Шрифт слишком мелкий на телефоне", 2, None,
                        "Основной текст не мельче 16 px; проверить при увеличении 200 %.",
                        ("Увеличивала экран пальцами", "Без очков текст не прочитать")),
        ),
    ),
    StudySpec(
        key="retirement-retest", service="retirement-online", retest_of="retirement",
        title="Выход на пенсию онлайн: повторный тест",
        title_en="Retirement online, re-test",
        questions="Устранили ли блокирующие проблемы более долгий срок кода из СМС и необязательный "
                  "ИНН?",
        tasks=(), participants=12, sus="good",
        fixed_after=("Подтверждение через СМС истекает за 60 секунд",
                     "Для периода работы требуется ИНН работодателя"),
        findings=(
            FindingSpec("Шрифт слишком мелкий на телефоне", 2, None,
                        "Основной текст не мельче 16 px; проверить при увеличении 200 %.",
                        ("Всё ещё мелко в таблице стажа",)),
            FindingSpec("Список способов доставки слишком длинный", 1, "choose-delivery",
                        "Поставить два самых частых способа первыми.", ("Дважды пролистал мимо «Карта Мир»",)),
        ),
    ),
)

# Successes per task in the re-test (its tasks are the original's, copied with their keys).
RETEST_FAILURES = {"check-record": 0, "apply": 0, "add-period": 1, "choose-delivery": 0, "track": 1}


class _LabDemo:
    def __init__(self, report: Progress) -> None:
        self.report = report
        self.rng = random.Random(SEED)
        self.researcher = User.objects.get(username=RESEARCHER)
        self.lab = Organisation.objects.get(code=LAB_ORGANISATION)
        self.studies: dict[str, Study] = {}
        self.names = list(RU_NAMES + EN_NAMES)
        self.rng.shuffle(self.names)

    def run(self) -> None:
        for i, spec in enumerate(STUDIES, start=1):
            self.studies[spec.key] = self._study(spec)
            self.report("lab studies", i, len(STUDIES))

    def _study(self, spec: StudySpec) -> Study:
        actor = self.researcher
        if spec.retest_of:
            original = self.studies[spec.retest_of]
            for finding in original.findings.filter(title__in=spec.fixed_after):
                finding_services.finding_update(actor=actor, finding=finding, status="fixed")
            study = study_services.retest_create(actor=actor, study=original, title=spec.title,
                                                 title_en=spec.title_en)
            study = study_services.study_update(actor=actor, study=study, research_questions=spec.questions)
            tasks = {t.key: (t, RETEST_FAILURES.get(t.key, 0)) for t in study.tasks.all()}
            medians = {t.key: t.median_seconds * 0.7 for s in STUDIES if s.key == spec.retest_of for t in s.tasks}
        else:
            service = Service.objects.get(code=spec.service)
            study = study_services.study_create(
                actor=actor, service=service, lab=self.lab, title=spec.title, title_en=spec.title_en,
                research_questions=spec.questions,
                screener=[{"key": "used_portal", "question": "Пользовались ли вы Госуслугами за последний год?",
                           "options": ["да", "нет"], "accept": ["да", "нет"]},
                          {"key": "works_in_it", "question": "Вы работаете в ИТ или дизайне?",
                           "options": ["да", "нет"], "accept": ["нет"]}],
            )
            # The Analytical Centre tests other authorities' services: each owning authority consents first.
            if study.owner_consent == OwnerConsent.AWAITING:
                study_services.study_owner_consent(actor=self._owner_of(service), study=study, give=True)
            for order, task in enumerate(spec.tasks, start=1):
                study_services.task_create(
                    actor=actor, study=study, key=task.key, title=task.title, scenario=task.scenario, order=order,
                    critical_path=task.critical, target_seconds=int(task.median_seconds * 1.5),
                    success_criteria="Участник сам дошёл до экрана подтверждения")
            for dimension, value, target in (("age_band", "65+", 4), ("disability", True, 3),
                                             ("assisted_digital", True, 3), ("digital_confidence", "1", 3)):
                study_services.quota_create(actor=actor, study=study, dimension=dimension, value=value, target=target)
            tasks = {t.key: (t, next(s.failures for s in spec.tasks if s.key == t.key)) for t in study.tasks.all()}
            medians = {t.key: t.median_seconds for t in spec.tasks}
        study_services.study_update(actor=actor, study=study, status="running")
        sessions = self._sessions(study, spec, tasks, medians)
        self._findings(study, spec, sessions)
        return study_services.study_close(actor=actor, study=Study.objects.get(pk=study.pk))

    @staticmethod
    def _owner_of(service: Service) -> User:
        """A service owner of the authority that owns `service` (an administrator if it has none)."""
        owners = User.objects.filter(role=Role.SERVICE_OWNER, is_active=True).order_by("username")
        owner = next((u for u in owners if Service.objects.for_user(u, Action.CHANGE_SERVICE).filter(pk=service.pk)
                      .exists()), None)
        owner = owner or User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if owner is None:
            raise RuntimeError("the demo has no active administrator to answer for the service's owner")
        return owner

    def _participant(self, study: Study, index: int):
        name = self.names.pop() if self.names else f"Participant {index}"
        latin = "".join(c for c in name.lower().replace(" ", ".") if c.isascii()) or f"p{index:02d}"
        return participant_services.participant_recruit(
            actor=self.researcher, study=study, full_name=name,
            email=f"{latin if latin.strip('.') else 'uchastnik'}.{study.pk}{index}@example.org",
            phone=f"+7 9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)}-{self.rng.randint(10, 99)}-"
                  f"{self.rng.randint(10, 99)}",
            client_category="citizens", age_band=AGE_BANDS[(index * 2 + self.rng.randint(0, 1)) % len(AGE_BANDS)],
            region=self.rng.choice(["RU-TUL", "RU-MOW", "RU-LIP"]), digital_confidence=2 + index % 4,
            disability=index % 5 == 0, assisted_digital=index % 6 == 0,
            screener_answers={"used_portal": self.rng.choice(["да", "нет"]), "works_in_it": "нет"},
        )

    def _sus(self, profile: str, index: int) -> list[int]:
        if profile == "poor" and index == 3:
            return [3] * 10  # straight-lining: the report flags it
        positive, negative = {"good": ((4, 5), (1, 2)), "fair": ((3, 4), (2, 3)), "poor": ((2, 3), (3, 4))}[profile]
        return [self.rng.randint(*(positive if item % 2 == 0 else negative)) for item in range(10)]

    def _sessions(self, study: Study, spec: StudySpec, tasks: dict, medians: dict[str, float]) -> list:
        actor = self.researcher
        failing = {key: set(self.rng.sample(range(1, spec.participants + 1), failures))
                   for key, (_, failures) in tasks.items()}
        sessions = []
        for index in range(1, spec.participants + 1):
            person = self._participant(study, index)
            participant_services.consent_record(actor=actor, participant=person, text_version="2026-01",
                                                recording_allowed=index % 4 != 0,
                                                given_at=timezone.now() - dt.timedelta(days=30 - index))
            unmoderated = index % 3 == 0
            session = session_services.session_schedule(
                actor=actor, study=study, participant=person, mode="unmoderated" if unmoderated else "moderated",
                moderator=None if unmoderated else actor,
                scheduled_at=timezone.now() - dt.timedelta(days=28 - index, hours=self.rng.randint(0, 6)),
            )
            results = []
            for key, (task, _) in tasks.items():
                failed = index in failing[key]
                seconds = round(self.rng.lognormvariate(math.log(medians[key] * (1.6 if failed else 1.0)), 0.45), 1)
                outcome = self.rng.choice(["failure", "abandoned", "partial"]) if failed else "success"
                seq = self.rng.randint(1, 3) if failed else self.rng.randint(5, 7)
                results.append((task, outcome, seconds, seq))
            if unmoderated:
                _, token = session_services.session_link_issue(actor=actor, session=session)
                session_services.take_start(token=token)
                for task, outcome, seconds, seq in results:
                    session_services.take_attempt(token=token, task_key=task.key, seconds=seconds, seq=seq,
                                                  outcome="success" if outcome == "success" else "abandoned")
                session_services.take_questionnaire(token=token, kind="sus", answers=self._sus(spec.sus, index))
                session_services.take_finish(token=token)
            else:
                session_services.session_start(actor=actor, session=session)
                for task, outcome, seconds, seq in results:
                    failed = outcome != "success"
                    session_services.attempt_record(
                        actor=actor, session=session, task=task, outcome=outcome, seconds=seconds,
                        errors=self.rng.randint(1, 3) if failed else self.rng.choice([0, 0, 1]),
                        assists=self.rng.randint(0, 2) if failed else 0, seq=seq)
                session_services.questionnaire_answer(actor=actor, session=session, kind="sus",
                                                      answers=self._sus(spec.sus, index))
                session_services.session_finish(actor=actor, session=session)
                participant_services.incentive_record(actor=actor, participant=person, amount="1500",
                                                      method="подарочная карта",
                                                      paid_at=timezone.now() - dt.timedelta(days=27 - index))
            sessions.append(session)
        return sessions

    def _findings(self, study: Study, spec: StudySpec, sessions: list) -> None:
        tasks = {t.key: t for t in study.tasks.all()}
        for finding_spec in spec.findings:
            chosen = self.rng.sample(sessions, min(len(sessions), len(finding_spec.notes)))
            notes = [
                finding_services.observation_add(actor=self.researcher, session=session, text=text,
                                                 task=tasks.get(finding_spec.task) if finding_spec.task else None,
                                                 at_seconds=round(self.rng.uniform(20, 900), 1),
                                                 tags=[tasks[finding_spec.task].title.lower()
                                                       if finding_spec.task else "общее", "удобство"])
                for session, text in zip(chosen, finding_spec.notes, strict=False)
            ]
            finding = finding_services.observation_merge(
                actor=self.researcher, observations=notes, title=finding_spec.title, severity=finding_spec.severity,
                recommendation=finding_spec.recommendation,
                task=tasks.get(finding_spec.task) if finding_spec.task else None,
                screen=tasks[finding_spec.task].title if finding_spec.task else "все экраны",
            )
            if finding_spec.status != "open":
                finding_services.finding_update(actor=self.researcher, finding=finding, status=finding_spec.status)


def build_lab_demo(*, progress: Progress | None = None) -> dict[str, Study]:
    """Create the lab's demo studies (after the demo's organisations, users and services exist)."""
    demo = _LabDemo(progress or (lambda step, done, total: None))
    demo.run()
    return demo.studies
