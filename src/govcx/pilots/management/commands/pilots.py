"""govcx pilots list | show PILOT | start PILOT | finish PILOT | analyse PILOT [--reps N] |
govcx pilots decide PILOT [--pdf OUT] [--json] |
govcx pilots revise-criterion CRITERION --reason TEXT [--minimum-effect PP] [--iterate-threshold PP] ...

Thresholds are given and shown in percentage points and the confidence in percent, as on the pages. Writes act as
`--as USERNAME` (default: the first active superuser or administrator) through the same services as the pages, so
the same rules hold: a frozen criterion changes only by a new version with its reason. Exit status 1 on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation
from rich.console import Console
from rich.table import Table

from govcx import labels
from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.errors import DomainError
from govcx.pilots import report, selectors, services
from govcx.pilots.models import EffectivenessCriterion, PilotAnalysis, PilotProgramme

#: `revise-criterion` options typed in percent and the criterion's field on 0–1 they become.
PERCENT_OPTIONS = ("minimum_effect", "iterate_threshold", "confidence")
OTHER_OPTIONS = ("tool", "measure", "direction", "comparison_group")


def _actor(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user
    user = (User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
            .order_by("-is_superuser", "pk").first())
    if user is None:
        raise CommandError("no superuser or administrator to act as; pass --as USERNAME")
    return user


def _programme(value: str) -> PilotProgramme:
    found = PilotProgramme.objects.select_related("owner").filter(pk=value).first() if value.isdigit() else None
    if found is None:
        raise CommandError(f"no pilot programme {value!r} (give its number; `govcx pilots list` shows them)")
    return found


def _criterion(value: str) -> EffectivenessCriterion:
    found = (EffectivenessCriterion.objects.select_related("programme").filter(pk=value).first()
             if value.isdigit() else None)
    if found is None:
        raise CommandError(f"no criterion {value!r} (give its number; `govcx pilots show PILOT` shows them)")
    return found


def _decisions(analysis: PilotAnalysis) -> list[dict[str, Any]]:
    return [{"criterion_id": r.criterion_id, "key": r.criterion.key, "version": r.criterion.version,
             "tool": r.criterion.tool, "measure": r.criterion.measure, "decision": r.decision,
             "estimate": r.estimate, "low": r.low, "high": r.high, "p_value": r.p_value, "method": r.method,
             "problem": r.problem, "verdict": report.verdict_text(r)} for r in selectors.results(analysis)]


class Command(BaseCommand):
    help = ("Pilot programmes: list them, show a programme's criteria with every version, start and finish, run "
            "the analysis, print the decision per tool and criterion (or write the report PDF), and register a "
            "new version of a frozen criterion with its reason.")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        def command(name: str, text: str):
            found = sub.add_parser(name, help=text)
            found.add_argument("--as", dest="as_user", metavar="USERNAME",
                               help="act as this user (default: the first active superuser or administrator)")
            found.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                               help="language of the verdicts and the PDF (default: the site's)")
            return found

        command("list", "the programmes with their status, dates and tools")
        for name, text in (("show", "a programme's participants and every version of its criteria"),
                           ("start", "start a planned pilot: freezes its criteria"),
                           ("finish", "finish a running pilot")):
            command(name, text).add_argument("pilot")
        analyse = command("analyse", "estimate every current criterion and print the decisions")
        analyse.add_argument("pilot")
        analyse.add_argument("--reps", type=int, default=services.REPS,
                             help=f"bootstrap and randomisation draws (default {services.REPS})")
        decide = command("decide", "the latest analysis's decision per tool and criterion")
        decide.add_argument("pilot")
        decide.add_argument("--pdf", metavar="OUT", help="write the report (one chart per criterion) as a PDF file")
        decide.add_argument("--json", action="store_true", help="print the decisions as JSON")
        revise = command("revise-criterion", "a new version of a criterion, with its reason (while the pilot is "
                         "planned, the criterion is edited in place and no reason is needed)")
        revise.add_argument("criterion")
        revise.add_argument("--reason", default="", help="why the registered criterion changes")
        revise.add_argument("--tool")
        revise.add_argument("--measure", help="a measure name of the catalogue, e.g. satisfaction_mean")
        revise.add_argument("--direction", choices=["increase", "decrease"])
        revise.add_argument("--comparison-group", dest="comparison_group",
                            choices=["federal", "regional", "municipal", "all"])
        revise.add_argument("--minimum-effect", dest="minimum_effect", type=float, metavar="PP",
                            help="minimum effect worth scaling, percentage points in the expected direction")
        revise.add_argument("--iterate-threshold", dest="iterate_threshold", type=float, metavar="PP",
                            help="effect worth another round, percentage points")
        revise.add_argument("--confidence", type=float, metavar="PERCENT", help="confidence level, e.g. 95")

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        self.console = Console(highlight=False, soft_wrap=True)
        with translation.override(opts.get("language") or settings.LANGUAGE_CODE):
            try:
                self._dispatch(action, opts)
            except DomainError as error:
                lines = [error.message] + [f"  {d.get('field', '')}: {d.get('message', '')}" for d in error.details
                                           if d.get("message") != error.message or d.get("field")]
                raise CommandError("\n".join(lines)) from None

    def _dispatch(self, action: str, opts: dict[str, Any]) -> None:
        if action == "list":
            self._list()
        elif action == "show":
            self._show(_programme(opts["pilot"]))
        elif action in ("start", "finish"):
            write = services.programme_start if action == "start" else services.programme_finish
            programme = write(actor=_actor(opts["as_user"]), programme=_programme(opts["pilot"]))
            self.console.print(f"[green]ok[/green] {programme.name}: {programme.status}")
        elif action == "analyse":
            if opts["reps"] < 99:
                raise CommandError("--reps must be at least 99")
            analysis = services.analysis_run(actor=_actor(opts["as_user"]), programme=_programme(opts["pilot"]),
                                             reps=opts["reps"])
            self._print_decisions(analysis)
        elif action == "decide":
            self._decide(_programme(opts["pilot"]), opts)
        else:
            self._revise(_criterion(opts["criterion"]), opts)

    def _list(self) -> None:
        table = Table(title="Pilot programmes")
        for column in ("#", "name", "status", "from", "to", "tools", "treated", "comparison"):
            table.add_column(column)
        for p in PilotProgramme.objects.order_by("pk"):
            roles = [part.role for part in p.participants.all()]
            table.add_row(str(p.pk), p.name, p.status, p.starts_on.isoformat(), p.ends_on.isoformat(),
                          ", ".join(p.tools), str(roles.count("treated")), str(roles.count("comparison")))
        self.console.print(table if table.row_count else "no pilot programmes")

    def _show(self, programme: PilotProgramme) -> None:
        self.console.print(f"[bold]{programme.name}[/bold] — {programme.status}, {programme.starts_on} to "
                           f"{programme.ends_on}, run by {programme.owner.code}")
        for role in ("treated", "comparison"):
            names = [p.organisation.code for p in selectors.participants(programme) if p.role == role]
            self.console.print(f"{role}: {', '.join(names) or '—'}")
        self.console.print("Effectiveness criteria, every version:")
        for versions in selectors.criteria_history(programme):
            for c in versions:
                state = "replaced" if c.superseded else ("frozen" if c.frozen_at else "editable")
                self.console.print(
                    f"  #{c.pk} {c.key} v{c.version} ({state}): {c.tool}, {c.measure} should {c.direction}; scale "
                    f"when the whole {c.confidence:.0%} interval reaches {c.minimum_effect * 100:.2f} pp, iterate "
                    f"when the effect reaches {c.iterate_threshold * 100:.2f} pp; compared with "
                    f"{c.comparison_group}" + (f". Why it changed: {c.reason}" if c.reason else ""))

    def _print_decisions(self, analysis: PilotAnalysis) -> None:
        self.console.print(f"Decisions of analysis {analysis.pk} ({analysis.created_at:%Y-%m-%d %H:%M}):")
        for r in selectors.results(analysis):
            decision = labels.PILOT_DECISIONS.get(r.decision, r.decision)
            p_value = "" if r.p_value is None else f", p = {r.p_value:.3f}"
            self.console.print(f"[bold]{labels.PILOT_TOOLS.get(r.criterion.tool, r.criterion.tool)}, "
                               f"{r.criterion.key} v{r.criterion.version}: {decision}[/bold] ({r.method or '—'}"
                               f"{p_value})")
            self.console.print(f"  {report.verdict_text(r)}")

    def _decide(self, programme: PilotProgramme, opts: dict[str, Any]) -> None:
        analysis = selectors.latest_analysis(programme)
        if analysis is None:
            raise CommandError(f"{programme.name} has no analysis yet: run `govcx pilots analyse {programme.pk}`")
        if opts["pdf"]:
            from govcx.common.pdf import render_pdf

            Path(opts["pdf"]).write_bytes(render_pdf("pilots/report_print.html", report.report_context(programme)))
            Console(stderr=True).print(f"wrote {opts['pdf']}")
        if opts["json"]:
            self.stdout.write(json.dumps(_decisions(analysis), ensure_ascii=False, indent=1))
        elif not opts["pdf"]:
            self._print_decisions(analysis)

    def _revise(self, criterion: EffectivenessCriterion, opts: dict[str, Any]) -> None:
        values: dict[str, Any] = {f: opts[f] for f in OTHER_OPTIONS if opts.get(f) is not None}
        values.update({f: opts[f] / 100 for f in PERCENT_OPTIONS if opts.get(f) is not None})
        actor = _actor(opts["as_user"])
        if criterion.programme.status == "planned":
            if not values:
                raise CommandError("nothing to change: give at least one of the criterion's options")
            saved = services.criterion_update(actor=actor, criterion=criterion, values=values)
            self.console.print(f"[green]ok[/green] criterion {saved.key} edited (the pilot has not started)")
            return
        saved = services.criterion_revise(actor=actor, criterion=criterion, values=values, reason=opts["reason"])
        self.console.print(f"[green]ok[/green] criterion {saved.key}: version {saved.version} (#{saved.pk}) "
                           f"registered; version {saved.version - 1} stays, marked as replaced")
