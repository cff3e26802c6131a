"""govcx lab report / export / import."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from govcx.lab.models import Attempt

SUS = [4, 2, 4, 2, 4, 2, 4, 2, 4, 2]


@pytest.fixture
def finished(study, researchers, run_session):
    run_session(study, researchers["lab"], {"find": ("success", 30.0), "apply": ("failure", 70.0)}, sus=SUS,
                full_name="Пётр Сидоров")
    run_session(study, researchers["lab"], {"find": ("success", 45.0), "apply": ("success", 60.0)}, sus=SUS)
    return study


def test_report_prints_metrics_and_the_verdict(finished, capsys):
    out = io.StringIO()
    call_command("lab", "report", str(finished.pk), stdout=out)
    printed = capsys.readouterr().out + out.getvalue()
    assert "Verdict" in printed and "not ready" in printed and "SUS 75.0" in printed and "Сидоров" not in printed


def test_report_as_json(finished):
    out = io.StringIO()
    call_command("lab", "report", str(finished.pk), "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["verdict"]["verdict"] == "not_ready" and body["tasks"][0]["successes"] == 2


def test_report_as_pdf(finished, tmp_path, pdf_text):
    target = tmp_path / "report.pdf"
    call_command("lab", "report", str(finished.pk), "--pdf", str(target))
    text = pdf_text(target.read_bytes())
    assert "Birth allowance, beta" in text and "Service svc-a" in text
    assert "Launch verdict: Not ready" in text
    assert "Task find critical path 2/2" in text and "Task apply critical path 1/2" in text
    assert "75.0" in text  # SUS of the answers 4, 2, 4, 2, ...
    assert "Сидоров" not in text


def test_export_and_import(finished, tmp_path, researchers):
    archive = tmp_path / "raw.zip"
    call_command("lab", "export", str(finished.pk), str(archive), "--format", "csv")
    attempts = zipfile.ZipFile(archive).read("attempts.csv")
    assert "Сидоров" not in b"".join(zipfile.ZipFile(archive).read(n) for n in zipfile.ZipFile(archive).namelist()
                                     ).decode("utf-8-sig")
    from govcx.lab.services.study import retest_create

    retest = retest_create(actor=researchers["lab"], study=finished)
    source = tmp_path / "attempts.csv"
    source.write_bytes(attempts)
    call_command("lab", "import", str(retest.pk), str(source))
    call_command("lab", "import", str(retest.pk), str(source))  # again: nothing changes
    assert Attempt.objects.filter(session__study=retest).count() == 4


def test_import_errors_name_file_row_and_field(study, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("participant_code,task_key,outcome,seconds,errors,assists,seq\nP01,find,yes,12,0,0,\n")
    with pytest.raises(CommandError, match=r"bad.csv:2: outcome: 'yes' is not one of"):
        call_command("lab", "import", str(study.pk), str(source))
    with pytest.raises(CommandError, match="no study"):
        call_command("lab", "report", "999999")
