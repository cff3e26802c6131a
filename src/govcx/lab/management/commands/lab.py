"""govcx lab report STUDY [--pdf OUT] [--json] | govcx lab export STUDY --format csv|xlsx OUT |
govcx lab import STUDY FILE.csv [--as USERNAME]

The report and export are pseudonymous (no participant's personal field). Exit status 1 on bad input.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from rich.console import Console
from rich.table import Table

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.common.tabular import bundle
from govcx.errors import DomainError
from govcx.lab import selectors
from govcx.lab.analysis import StudyAnalysis
from govcx.lab.models import Study
from govcx.lab.services.imports import attempts_import


def _study(study_id: str) -> Study:
    study = Study.objects.select_related("service", "lab", "retest_of").filter(pk=study_id).first() \
        if study_id.isdigit() else None
    if study is None:
        raise CommandError(f"no study {study_id!r} (give its number)")
    return study


def _actor(username: str | None, study: Study) -> User:
    """The named user, else a researcher of the study's lab, else the first superuser or admin."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user
    user = (User.objects.filter(is_active=True, role=Role.LAB_RESEARCHER, organisation=study.lab).order_by("pk").first()
            or User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
            .order_by("-is_superuser", "pk").first())
    if user is None:
        raise CommandError("no lab researcher, superuser or admin to act as; pass --as USERNAME")
    return user


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = "The lab's study report (console, JSON or PDF), raw data export, and import of attempts."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="print a study's metrics and verdict; --pdf writes the report")
        report.add_argument("study")
        report.add_argument("--pdf", metavar="OUT", help="write the study report as a PDF file")
        report.add_argument("--json", action="store_true", help="print the analysis as JSON")
        export = sub.add_parser("export", help="write the raw data: a ZIP of CSV files, or an XLSX workbook")
        export.add_argument("study")
        export.add_argument("out")
        export.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default="csv")
        load = sub.add_parser("import", help="import attempts recorded elsewhere from a CSV file (all or nothing)")
        load.add_argument("study")
        load.add_argument("file")
        load.add_argument("--as", dest="as_user", metavar="USERNAME",
                          help="act as this user (default: a researcher of the study's lab, else an admin)")

    def handle(self, *args: Any, action: str, study: str, **opts: Any) -> None:
        record = _study(study)
        try:
            if action == "report":
                self._report(record, opts)
            elif action == "export":
                self._export(record, Path(opts["out"]), opts["fmt"])
            else:
                self._import(record, Path(opts["file"]), opts.get("as_user"))
        except DomainError as exc:
            lines = [exc.message] + [
                f"  {d.get('file', '')}:{d.get('row', '')}: {d.get('field', '')}: {d.get('message', '')}"
                if "row" in d else f"  {d}" for d in exc.details]
            raise CommandError("\n".join(lines)) from None

    def _report(self, study: Study, opts: dict[str, Any]) -> None:
        analysis = selectors.study_analysis(study)
        if opts["pdf"]:
            from govcx.common.pdf import render_pdf

            context = selectors.study_report_context(study, AnonymousUser())
            Path(opts["pdf"]).write_bytes(render_pdf("lab/study_report_print.html", context))
            Console(stderr=True).print(f"wrote {opts['pdf']}")
        if opts["json"]:
            self.stdout.write(json.dumps(_jsonable(analysis), ensure_ascii=False, indent=1, default=str))
        elif not opts["pdf"]:
            self._print(study, analysis)

    def _print(self, study: Study, analysis: StudyAnalysis) -> None:
        console = Console(highlight=False)
        console.print(f"[bold]{study.title}[/bold] — {study.service.code}, stage {study.stage}, {study.status}; "
                      f"{len(analysis.participants)} participants")
        tasks = Table(title=f"Tasks (completion {analysis.interval_confidence:.0%} adjusted-Wald; benchmark test at "
                            f"{analysis.confidence:.0%})")
        for column in ("task", "critical", "n", "done", "rate", "interval", "best estimate", "lower bound",
                       "benchmark", "time (s)", "SEQ"):
            tasks.add_column(column)
        for t in analysis.tasks:
            interval = f"{t.completion.low:.1%}–{t.completion.high:.1%}" if t.completion else "–"
            estimate = f"{t.point_estimate:.1%} ({t.point_method})" if t.point_estimate is not None else "–"
            time = (f"{t.time.estimate:.1f} [{t.time.low:.1f}–{t.time.high:.1f}] {t.time.method.replace('_', ' ')}"
                    if t.time else "–")
            tasks.add_row(t.key, "yes" if t.critical_path else "", str(t.attempts), str(t.successes),
                          _pct(t.observed_rate), interval, estimate,
                          f"{t.benchmark_test.lower_bound:.3f}" if t.benchmark_test else "–", f"{t.benchmark:.2f}",
                          time, f"{t.seq_mean:.2f}" if t.seq_mean is not None else "–")
        console.print(tasks)
        if analysis.sus:
            s = analysis.sus
            console.print(f"SUS {s.mean:.1f} [{s.interval.low:.1f}–{s.interval.high:.1f}], n={s.n}: percentile "
                          f"{s.percentile_rank:.0f} (table; normal approx. {s.percentile_normal_approx:.0f}), grade "
                          f"{s.grade}, {s.acceptability}, {s.adjective}"
                          + (f"; identical answers: {', '.join(analysis.sus_flagged)}" if analysis.sus_flagged else ""))
        if analysis.umux_lite:
            u = analysis.umux_lite
            console.print(f"UMUX-Lite {u.mean:.1f} (n={u.n}) → SUS-equivalent {u.sus_equivalent:.1f}")
        if analysis.findings:
            findings = Table(title="Findings by priority (severity × affected share)")
            for column in ("priority", "severity", "status", "affected", "finding"):
                findings.add_column(column)
            for f in analysis.findings:
                findings.add_row(f"{f.priority:.2f}", str(f.severity), f.status, ", ".join(f.affected), f.title)
            console.print(findings)
        p = analysis.planning
        console.print(f"Planning: with n={p.participants}, a problem affecting {p.p:.0%} of users is seen with "
                      f"probability {p.discovery_at_n:.1%}; {p.n_for_goal} participants reach {p.goal:.0%}; "
                      f"{p.n_for_margin} participants for a ±{p.margin:.0%} completion margin")
        verdict = analysis.verdict
        colour = {"ready": "green", "launch_with_adjustments": "yellow", "not_ready": "red"}[verdict.verdict.value]
        console.print(f"Verdict: [{colour}]{verdict.verdict.value.replace('_', ' ')}[/{colour}]")
        for reason in verdict.reasons:
            console.print(f"  • {reason.message}")

    def _export(self, study: Study, out: Path, fmt: str) -> None:
        out.write_bytes(bundle(fmt, selectors.study_export_tables(study)))
        Console(stderr=True).print(f"wrote {out} ({'ZIP of CSV files' if fmt == 'csv' else 'XLSX workbook'})")

    def _import(self, study: Study, path: Path, username: str | None) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = _actor(username, study)
        summary = attempts_import(actor=actor, study=study, data=path.read_bytes(), file_name=path.name)
        Console(stderr=True).print(
            f"imported {path.name}: {summary.created} created, {summary.updated} updated, {summary.unchanged} "
            f"unchanged; {summary.participants_created} participants and {summary.sessions_created} sessions added")
