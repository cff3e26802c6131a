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
