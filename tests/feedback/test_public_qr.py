"""QR codes and printable posters that lead office visitors to the survey page, with the office recorded."""

from __future__ import annotations

import io

import pytest
import segno

from govcx.feedback import selectors
from govcx.feedback import services as feedback_services


@pytest.fixture
def survey(services, users):
    created = feedback_services.survey_create(service=services["a"], title="CSAT", template="csat",
                                              actor=users["admin"])
    selectors.public_surveys.forget()
    return created  # still a draft: posters are printed before a survey opens


def expected_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title=url)
    return buffer.getvalue()


def test_qr_code_encodes_the_survey_page_of_the_office(client, survey):
    response = client.get(f"/feedback/s/{survey.public_key}/qr.svg?office=MFC 7/Tula")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    url = f"http://testserver/feedback/s/{survey.public_key}/?channel=office&office=MFC+7%2FTula"
    assert response.content == expected_svg(url)


def test_qr_code_without_an_office_still_records_the_office_channel(client, survey):
    response = client.get(f"/feedback/s/{survey.public_key}/qr.svg")
    assert response.content == expected_svg(f"http://testserver/feedback/s/{survey.public_key}/?channel=office")


def test_poster_shows_the_code_the_address_and_instructions_in_both_languages(client, survey):
    response = client.get(f"/feedback/s/{survey.public_key}/poster/?office=MFC-7", HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru">' in html and '<div class="poster-other" lang="en">' in html
    assert f'src="/feedback/s/{survey.public_key}/qr.svg?office=MFC-7"' in html
    assert f"http://testserver/feedback/s/{survey.public_key}/?channel=office&amp;office=MFC-7" in html
    service = survey.service
    assert service.name_ru in html and service.name_en in html  # the poster names the service, in both languages
    assert service.owner.name_ru in html and service.owner.name_en in html
    assert "CSAT" not in html  # the template's name is for analysts
    assert "Point your phone's camera at the code." in html  # the English half
