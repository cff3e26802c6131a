"""The satisfaction dashboard, exports, imports, the quarterly report and the satisfaction check, end to end
through the analytics store, always within the user's scope."""

from __future__ import annotations

import datetime as dt
import io
import re
import statistics

import pyarrow.parquet as pq
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from govcx.feedback import services as feedback
from govcx.feedback.analytics_sync import analytics_sync
from govcx.feedback.dashboards.figures import Query, build
from govcx.feedback.models import Response, SurveyStatus
from govcx.feedback.selectors import public_surveys
from govcx.standards.checks import CheckContext, run_check

RATINGS_A = [5, 4, 4, 5, 3, 5, 4, 4, 5, 5] * 4  # 40 ratings, mean 4.4
RATINGS_B = [2, 3, 1, 2, 3, 2, 4, 2, 1, 3] * 4  # 40 ratings, mean 2.3


def live_survey(service, actor, template="csat"):
    survey = feedback.survey_create(service=service, title="CSAT", template=template, actor=actor)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=actor,
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    public_surveys.forget()
    return survey


def submit_all(survey, ratings, *, days_ago=10, prefix="r"):
    moment = timezone.now() - dt.timedelta(days=days_ago)
    for i, rating in enumerate(ratings):
        feedback.response_submit(survey=survey, submission=feedback.Submission(
            idempotency_key=f"{prefix}-{survey.pk}-{i:05d}", answers={"overall": rating}, submitted_at=moment,
            elapsed_seconds=60))


@pytest.fixture
def rated(services, users):
    survey_a = live_survey(services["a"], users["admin"])
    survey_b = live_survey(services["b"], users["admin"])
    submit_all(survey_a, RATINGS_A)
    submit_all(survey_b, RATINGS_B)
    analytics_sync(settle_seconds=0)
    return {"a": survey_a, "b": survey_b}


def test_figures_match_a_hand_computation_and_flag_only_significant_differences(rated, users):
    board = build(users["analyst"], Query(group_by="service_id"))
    assert board.total.n == 80
    assert board.total.mean == pytest.approx(statistics.mean(RATINGS_A + RATINGS_B))
    by_service = {g.key: g for g in board.groups}
    a = by_service[rated["a"].service_id]
    assert a.mean == pytest.approx(4.4)
    sd = statistics.stdev(RATINGS_A)
    assert a.mean_high - a.mean == pytest.approx(2.0227 * sd / 40 ** 0.5, rel=1e-3)  # t(0.975, 39) = 2.0227
    assert a.top_box == pytest.approx(sum(r >= 4 for r in RATINGS_A) / 40)
    assert (a.signal, by_service[rated["b"].service_id].signal) == ("above", "below")


def test_an_authority_sees_only_its_own_services(rated, users):
    board = build(users["owner_a"], Query(group_by="service_id"))
    assert {g.key for g in board.groups} == {rated["a"].service_id}
    assert board.total.n == 40


def test_dashboard_page_scoped_and_ranking_for_central_roles_only(rated, users, client_for):
    page = client_for(users["owner_a"]).get("/feedback/dashboard/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "svc-a" in body and "svc-b" not in body
    assert "National ranking" not in body
    central = client_for(users["analyst"]).get("/feedback/dashboard/").content.decode()
    assert "National ranking" in central and "svc-b" in central
    other = client_for(users["owner_a"]).get(f"/feedback/dashboard/?service={rated['b'].service_id}")
    assert other.status_code == 404


def test_trend_marks_a_significant_change(services, users):
    survey = live_survey(services["a"], users["admin"])
    submit_all(survey, [2, 3, 2, 2, 3] * 8, days_ago=200, prefix="old")
    submit_all(survey, [5, 4, 5, 5, 4] * 8, days_ago=5, prefix="new")
    analytics_sync(settle_seconds=0)
    changes = build(users["admin"], Query(service_id=services["a"].pk, period="month")).trend_changes
    assert len(changes) == 1  # two months with ratings, one step between them
    assert changes[0]["significant"] and changes[0]["difference"] > 0


def test_spam_is_kept_but_not_counted(services, users):
    survey = live_survey(services["a"], users["admin"])
    submit_all(survey, [4] * 5)
    feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key="spam-0001", answers={"overall": 1}, honeypot="filled"))
    assert Response.objects.filter(is_spam=True).count() == 1
    analytics_sync(settle_seconds=0)
    assert build(users["admin"], Query()).total.n == 5


def test_sync_waits_for_recent_answers_and_is_incremental(services, users):
    survey = live_survey(services["a"], users["admin"])
    submit_all(survey, [4] * 3)
    assert analytics_sync() == 0  # younger than the settle window
    assert analytics_sync(settle_seconds=0) == 3
    assert analytics_sync(settle_seconds=0) == 0
    submit_all(survey, [5] * 2, prefix="more")
    assert analytics_sync(settle_seconds=0) == 2


def test_exports_in_three_formats_and_scoped(rated, users, client_for):
    owner = client_for(users["owner_a"])
    survey = rated["a"]
    csv_body = owner.get(f"/feedback/surveys/{survey.pk}/responses.csv").getvalue().decode("utf-8-sig")
    assert csv_body.count("\n") == 41 and "overall" in csv_body.splitlines()[0]
    workbook = load_workbook(io.BytesIO(owner.get(f"/feedback/surveys/{survey.pk}/responses.xlsx").getvalue()))
    assert workbook.active.max_row == 41
    table = pq.read_table(io.BytesIO(owner.get(f"/feedback/surveys/{survey.pk}/responses.parquet").getvalue()))
    assert table.num_rows == 40 and sorted(table.column("overall").to_pylist()) == sorted(RATINGS_A)
    assert owner.get(f"/feedback/surveys/{rated['b'].pk}/responses.csv").status_code == 404


def test_import_is_all_or_nothing_names_rows_and_is_idempotent(services, users, client_for):
    survey = live_survey(services["a"], users["admin"])
    client = client_for(users["admin"])
    bad = "id,submitted_at,overall\n1,2026-01-10,5\n2,not a date,4\n3,2026-01-12,7\n"
    reply = client.post(f"/feedback/surveys/{survey.pk}/import/",
                        {"file": _upload("old.csv", bad)})
    assert reply.status_code == 422
    body = reply.content.decode()
    # Rows as a spreadsheet numbers them (header = 1); both problems are reported in one pass.
    assert "<td>3</td><td><code>submitted_at</code></td>" in body  # "not a date"
    assert "<td>4</td><td><code>overall</code></td>" in body  # 7 on a 1–5 scale
    assert not Response.objects.exists()
    good = "id,submitted_at,channel,overall,comment\n1,2026-01-10,office,5,Спасибо\n2,2026-01-11T09:30,web,4,\n"
    for _ in range(2):
        assert client.post(f"/feedback/surveys/{survey.pk}/import/",
                           {"file": _upload("old.csv", good)}).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 2
    assert set(Response.objects.values_list("channel", flat=True)) == {"office", "web"}


def test_a_large_history_file_is_imported_by_a_job_once(services, users, client_for, monkeypatch, settings, tmp_path):
    from govcx.feedback import exports
    from govcx.jobs.models import Job, JobState

    monkeypatch.setattr(exports, "BACKGROUND_BYTES", 0)
    settings.VAR_DIR = tmp_path
    survey = live_survey(services["a"], users["admin"])
    client = client_for(users["admin"])
    good = "id,submitted_at,channel,overall\n1,2026-01-10,office,5\n2,2026-01-11,web,4\n"
    results = []
    for _ in range(2):  # the second file is a retry: every row is already there
        reply = client.post(f"/feedback/surveys/{survey.pk}/import/", {"file": _upload("old.csv", good)})
        assert reply.status_code == 302 and reply["Location"].startswith("/jobs/")
        job = Job.objects.get(pk=int(reply["Location"].strip("/").split("/")[-1]))
        assert (job.kind, job.state) == ("feedback.history_import", JobState.SUCCEEDED)
        results.append(job.result)
    assert results == [{"created": 2, "duplicates": 0}, {"created": 0, "duplicates": 2}]
    assert Response.objects.filter(survey=survey).count() == 2
    assert not list((tmp_path / "survey-history-imports").iterdir())


def _upload(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_quarterly_report_page_and_pdf(rated, users, client_for, pdf_text):
    client = client_for(users["owner_a"])
    service_id = rated["a"].service_id
    quarter_start = timezone.now() - dt.timedelta(days=10)
    code = f"{quarter_start.year}Q{(quarter_start.month - 1) // 3 + 1}"
    page = client.get(f"/feedback/services/{service_id}/report/?quarter={code}")
    assert page.status_code == 200 and "4.40" in page.content.decode()
    pdf = client.get(f"/feedback/services/{service_id}/report.pdf?quarter={code}")
    assert pdf.status_code == 200
    text = pdf_text(pdf.getvalue())
    assert "Service svc-a" in text and code.replace("Q", " Q") in text
    assert "Ratings of the overall question 40 Mean rating 4.40" in text  # a quarterly report has no verdict
    assert "Top-2-box share 90 %" in text and "Website 40 4.40" in text
    assert client.get(f"/feedback/services/{rated['b'].service_id}/report/").status_code == 404
    assert client.get(f"/feedback/services/{service_id}/report/?quarter=2026Q9").status_code == 422


def test_satisfaction_check_needs_enough_ratings_and_a_high_enough_mean(rated, services):
    from govcx.standards.selectors import service_facts

    def outcome(key, **params):
        return run_check("feedback.satisfaction", CheckContext(service=service_facts(services[key]), params=params))

    assert outcome("a", min_mean=4.0, min_responses=30).status == "met"
    assert outcome("b", min_mean=4.0, min_responses=30).status == "not_met"
    assert outcome("a", min_mean=4.0, min_responses=100).status == "unknown"


def test_the_check_reports_the_dashboards_figure_for_the_same_service_and_period(rated, services, users):
    """One source: the standard's satisfaction check and the dashboard read the same figure. Answers the store
    has not taken yet (submitted within the settle window) and spam count in neither."""
    from govcx.standards.selectors import service_facts

    survey = rated["a"]
    submit_all(survey, [1] * 25, days_ago=0, prefix="just-now")  # not settled: the dashboard does not show them yet
    feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key="spam-check-0001", answers={"overall": 1}, honeypot="filled"))
    days = 30
    result = run_check("feedback.satisfaction", CheckContext(service=service_facts(services["a"]), params={
        "min_mean": 4.0, "min_responses": 30, "days": days}))
    since = timezone.now() - dt.timedelta(days=days)
    board = build(users["admin"], Query(service_id=services["a"].pk, date_from=since.date() + dt.timedelta(days=1)))
    figure = board.total
    assert figure.n == len(RATINGS_A)
    assert result.value == f"{figure.mean:.2f} ({figure.mean_low:.2f}–{figure.mean_high:.2f}, n={figure.n})"
    assert result.status == "met"


def test_dashboard_and_responses_api_are_scoped(rated, users, client_for):
    owner = client_for(users["owner_a"])
    figures = owner.get("/api/feedback/dashboard?group_by=service_id").json()
    assert [g["key"] for g in figures["groups"]] == [rated["a"].service_id]
    assert figures["total"]["n"] == 40
    assert owner.get(f"/api/feedback/dashboard?service_id={rated['b'].service_id}").status_code == 404
    responses = owner.get("/api/feedback/responses?limit=1000").json()
    assert len(responses) == 40 and {r["service_id"] for r in responses} == {rated["a"].service_id}
    assert client_for(users["analyst"]).get("/api/feedback/dashboard").json()["total"]["n"] == 80


COMMENTS = [
    "Очень долго ждал в очереди, больше часа.",
    "Простоял в очереди два часа, окно одно.",
    "I waited in the queue for almost two hours.",
    "Сайт выдаёт ошибку при загрузке документов.",
    "The website crashed when I uploaded the documents.",
    "Всё быстро и понятно, спасибо!",
]


def test_comment_page_groups_by_known_issue_and_filters(services, users, client_for):
    survey = live_survey(services["a"], users["admin"])
    for i, text in enumerate(COMMENTS * 3):
        feedback.response_submit(survey=survey, submission=feedback.Submission(
            idempotency_key=f"comment-{i:04d}", answers={"overall": 3, "comment": text}, elapsed_seconds=60))
    client = client_for(users["owner_a"])
    page = client.get(f"/feedback/comments/?service={services['a'].pk}").content.decode()
    assert re.search(r'topic=queues">Queues and waiting</a></th><td>9</td>', page)  # 3 comments × 3 copies
    queues = client.get(f"/feedback/comments/?service={services['a'].pk}&topic=queues").content.decode()
    assert "два часа" in queues and "Всё быстро" not in queues

    def listed(sentiment: str) -> str:  # the list of comments only (the discovered topics' terms are above it)
        page = client.get(f"/feedback/comments/?service={services['a'].pk}&sentiment={sentiment}").content.decode()
        return page[page.index("Latest comments"):]

    praise, complaints = listed("positive"), listed("negative")
    assert "Всё быстро" in praise and "два часа" not in praise and "crashed" not in praise
    assert "crashed" in complaints and "два часа" in complaints and "Всё быстро" not in complaints
    assert client.get("/feedback/comments/?sentiment=furious").status_code == 422
    assert client.get(f"/feedback/comments/?service={services['b'].pk}").status_code == 404


def test_ranking_of_a_single_service_has_nothing_to_compare_with(services, users):
    from govcx.feedback.dashboards.context import national_ranking

    survey = live_survey(services["a"], users["admin"])
    submit_all(survey, RATINGS_A)
    analytics_sync(settle_seconds=0)
    assert [(r["rank"], r["n"], r["signal"]) for r in national_ranking(Query())] == [(1, 40, "same")]


# --- figures that cannot mislead ------------------------------------------------------------------------------


def test_a_significant_change_too_small_to_matter_is_not_called_a_change(services, users, settings):
    survey = live_survey(services["a"], users["admin"])
    submit_all(survey, [4, 5] * 40, days_ago=200, prefix="old")  # mean 4.5, tiny spread
    submit_all(survey, [4, 5, 5] * 30, days_ago=5, prefix="new")  # mean 4.67: 0.17 points, 4 % of 1–5
    analytics_sync(settle_seconds=0)
    settings.FEEDBACK_MIN_DIFFERENCE = 0.05
    change = build(users["admin"], Query(service_id=services["a"].pk, period="month")).trend_changes[0]
    assert change["difference"] == pytest.approx(14 / 3 - 4.5)
    assert not change["matters"] and change["effect_size"] > 0
    settings.FEEDBACK_MIN_DIFFERENCE = 0.02
    assert build(users["admin"], Query(service_id=services["a"].pk, period="month")).trend_changes[0]["matters"] \
        == change["significant"]


def test_groups_without_the_attribute_are_not_shown_as_a_lone_none(rated, users, client_for):
    body = client_for(users["analyst"]).get("/feedback/dashboard/?group_by=region").content.decode()
    assert "(none)" not in body
    assert "nothing to compare by it" in body or "no region (federal authorities)" in body


def test_top_box_and_its_interval_are_in_the_same_unit(rated, users, client_for):
    body = " ".join(client_for(users["analyst"]).get("/feedback/dashboard/").content.decode().split())
    assert re.search(r"top-2-box share \(\d+–\d+ %\)", body)


def test_examples_shown_are_distinct(services, users, client_for):
    survey = live_survey(services["a"], users["admin"], template="a11_280")
    for i in range(4):
        feedback.response_submit(survey=survey, submission=feedback.Submission(
            idempotency_key=f"same-{i:04d}", answers={"overall": 2, "comment": "Очередь  два часа, ужасно"},
            elapsed_seconds=60))
    analytics_sync(settle_seconds=0)
    body = client_for(users["analyst"]).get(f"/feedback/comments/?service={services['a'].pk}").content.decode()
    assert body.count("два часа, ужасно") == 1


def test_figures_asked_for_together_are_computed_once():
    """Requests arriving together at a fresh worker wait for the first computation of the same figures instead of
    each running the same queries; other figures are not held up by it."""
    import threading
    import time

    from govcx.feedback.dashboards import figures

    calls: list[str] = []

    def slow(name: str):
        def compute():
            calls.append(name)
            time.sleep(0.2)
            return [{"n": len(calls)}]
        return compute

    key = ("test", object())
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(figures.remembered_figures(key, slow("same"))))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    other = figures.remembered_figures(("test", object()), slow("other"))
    for thread in threads:
        thread.join()
    assert calls.count("same") == 1 and calls.count("other") == 1
    assert all(result is results[0] for result in results) and other is not results[0]


def test_kept_figures_follow_a_store_rebuilt_under_the_same_part_names(rated, users):
    """A reset store is written again under the same part names (they are answer id ranges): the figures kept per
    expression must not outlive the files they were computed from."""
    from govcx.feedback.analytics_sync import analytics_reset, answers_store_path
    from govcx.feedback.models import Answer

    before = {g.key: g.mean for g in build(users["analyst"], Query(group_by="service_id")).groups}
    assert before[rated["a"].service_id] == pytest.approx(4.4)
    names = sorted(p.name for p in answers_store_path().glob("part-*"))
    Answer.objects.filter(response__survey=rated["a"], question_key="overall").update(value=1)
    analytics_reset()
    analytics_sync(settle_seconds=0)
    assert sorted(p.name for p in answers_store_path().glob("part-*")) == names
    after = {g.key: g.mean for g in build(users["analyst"], Query(group_by="service_id")).groups}
    assert after[rated["a"].service_id] == pytest.approx(1.0)


def test_a_known_issue_names_each_requirement_it_bears_on_once(services, users, client_for, packs):
    """The model standard has a once-only requirement for citizens and one for businesses, both called "Принцип
    однократного предоставления сведений" in Russian: the documents issue names it once."""
    survey = live_survey(services["a"], users["admin"])
    feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key="comment-documents", elapsed_seconds=60,
        answers={"overall": 2, "comment": "Опять просили справку, которая у них есть"}))
    page = client_for(users["owner_a"]).get(f"/feedback/comments/?service={services['a'].pk}",
                                            HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert page.count("Принцип однократного предоставления сведений") == 1
