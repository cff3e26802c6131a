"""Evidence files: uploaded with an outcome, downloaded only through the assessment's scope, size-limited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govcx.standards.services import assessment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(users, services, packs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return assessment_create(actor=users["assessor_a"], service=services["a"], pack=packs["uk-service-standard"])


def _upload(client, assessment, requirement_id, content: bytes):
    return client.post(
        f"/standards/assessments/{assessment.pk}/outcomes/{requirement_id}/",
        {"rating": "met", "evidence_text": "Minutes of the service assessment",
         "evidence_file": SimpleUploadedFile("minutes.txt", content, content_type="text/plain")},
    )


def test_evidence_file_round_trip_and_scope(client_for, users, assessment):
    requirement_id = assessment.pack.parsed.requirements()[0].id
    assessor = client_for(users["assessor_a"])
    assert _upload(assessor, assessment, requirement_id, b"assessment minutes").status_code == 302
    url = f"/standards/assessments/{assessment.pk}/outcomes/{requirement_id}/evidence"
    response = client_for(users["viewer_a"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"assessment minutes"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(users["owner_b"]).get(url).status_code == 404  # another authority
    page = assessor.get(f"/standards/assessments/{assessment.pk}/").content.decode()
    assert url in page and "/media/" not in page


def test_oversized_evidence_is_refused_and_nothing_is_written(client_for, users, assessment, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    requirement_id = assessment.pack.parsed.requirements()[0].id
    assessor = client_for(users["assessor_a"])
    response = _upload(assessor, assessment, requirement_id, b"x" * 11)
    assert response.status_code == 302
    assert not assessment.outcomes.filter(requirement_id=requirement_id, source="assessor").exists()
    page = assessor.get(response["Location"]).content.decode()
    assert "larger than" in page


def _stored(assessment, requirement_id):
    return assessment.outcomes.get(requirement_id=requirement_id).evidence_file


def test_a_replaced_evidence_file_leaves_the_disk_after_commit(
    client_for, users, assessment, tmp_path, django_capture_on_commit_callbacks
):
    requirement_id = assessment.pack.parsed.requirements()[0].id
    assessor = client_for(users["assessor_a"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(assessor, assessment, requirement_id, b"first minutes")
    first = _stored(assessment, requirement_id)
    first_path = tmp_path / first.name
    assert first_path.read_bytes() == b"first minutes"
    outcome = assessment.outcomes.get(requirement_id=requirement_id)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assessor.post(
            f"/standards/assessments/{assessment.pk}/outcomes/{requirement_id}/",
            {"rating": "met", "expected_version": outcome.version,
             "evidence_file": SimpleUploadedFile("minutes.txt", b"second minutes", content_type="text/plain")},
        )
    assert callbacks, "the old file's deletion waits for the commit"
    second = _stored(assessment, requirement_id)
    assert second.name != first.name and (tmp_path / second.name).read_bytes() == b"second minutes"
    assert not first_path.exists()


def test_deleting_an_assessment_deletes_its_evidence_files(
    client_for, users, assessment, tmp_path, django_capture_on_commit_callbacks
):
    requirement_id = assessment.pack.parsed.requirements()[0].id
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(users["assessor_a"]), assessment, requirement_id, b"minutes")
    path = tmp_path / _stored(assessment, requirement_id).name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assessment.delete()
    assert not path.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "JaVaScRiPt:alert(1)", "ftp://example.gov/x", "//evil.example/x",
                                 "https://", "https://exa mple.gov/"])
def test_evidence_links_are_http_or_https_only(client_for, users, assessment, url):
    requirement_id = assessment.pack.parsed.requirements()[0].id
    api = client_for(users["assessor_a"]).put(
        f"/api/standards/assessments/{assessment.pk}/outcomes/{requirement_id}",
        {"rating": "met", "evidence_url": url, "expected_version": None}, content_type="application/json",
    )
    assert api.status_code == 422, api.content
    assert "evidence_url" in api.content.decode()
    form = client_for(users["assessor_a"]).post(
        f"/standards/assessments/{assessment.pk}/outcomes/{requirement_id}/",
        {"rating": "met", "evidence_url": url},
    )
    assert form.status_code == 302
    assert not assessment.outcomes.filter(requirement_id=requirement_id, source="assessor").exists()


def test_a_good_evidence_link_is_saved_and_shown_as_a_link(client_for, users, assessment):
    requirement_id = assessment.pack.parsed.requirements()[0].id
    assessor = client_for(users["assessor_a"])
    api = assessor.put(
        f"/api/standards/assessments/{assessment.pk}/outcomes/{requirement_id}",
        {"rating": "met", "evidence_url": "https://example.gov/minutes", "expected_version": None},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["evidence_url"] == "https://example.gov/minutes"
    page = assessor.get(f"/standards/assessments/{assessment.pk}/").content.decode()
    assert 'href="https://example.gov/minutes"' in page


def test_a_stored_javascript_link_is_not_rendered_as_a_link(client_for, users, assessment):
    from govcx.standards.models import RequirementOutcome

    requirement_id = assessment.pack.parsed.requirements()[0].id
    RequirementOutcome.objects.create(assessment=assessment, requirement_id=requirement_id, source="assessor",
                                      status="met", evidence_url="javascript:alert(document.cookie)")
    page = client_for(users["assessor_a"]).get(f"/standards/assessments/{assessment.pk}/").content.decode()
    assert 'href="javascript:' not in page
    assert "javascript:alert(document.cookie)" in page  # shown as text, so the assessor sees what is stored
