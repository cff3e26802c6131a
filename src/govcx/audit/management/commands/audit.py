"""govcx audit URL... — audit pages in a real browser; usable alone in another project's CI.

Exit status: 1 when a violation at or above --fail-on was found (``--fail-on none``: never for violations) or a
page could not be audited; 2 on bad usage (including an address the network guard refuses: loopback, private
and link-local addresses unless GOVCX_AUDIT_ALLOWED_HOSTS allows the host); 0 otherwise. Violations are counted
in elements (each rule × element × page once), in the text and the JSON output alike. Local HTML files are
served to the browser from a per-run server, never as file:.
"""

from __future__ import annotations

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from govcx.audit.engine import AuditOptions, Target, audit, crawl
from govcx.audit.engine.netguard import Blocked, check_start_urls
from govcx.audit.summary import IMPACTS, at_least, page_dict, summarise, violation_elements


class Command(BaseCommand):
    help = "Audit pages (accessibility, language, forms, weight, mobile) in Chromium; non-zero exit on failure."

    def add_arguments(self, parser) -> None:
        parser.add_argument("urls", nargs="+", help="http(s) or file:// addresses")
        parser.add_argument("--service", help="store the results as an audit run of this service (code)")
        parser.add_argument("--as", dest="username", help="who runs it when --service is given (default: an admin)")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        parser.add_argument("--fail-on", default="serious", choices=[*IMPACTS, "none"])
        parser.add_argument("--crawl", action="store_true", help="crawl the site of the first URL")
        parser.add_argument("--depth", type=int, default=2)
        parser.add_argument("--max-pages", type=int, default=20)
        parser.add_argument("--parallel", type=int, default=2)
        parser.add_argument("--timeout", type=int, default=20, help="seconds per page")

    def handle(self, *args, **opts) -> None:
        console = Console(stderr=True, highlight=False)
        web = [url for url in opts["urls"] if not url.lower().startswith("file:")]
        try:
            check_start_urls(web, settings.AUDIT_ALLOWED_HOSTS)
        except Blocked as exc:
            raise CommandError(f"refused by the audit network guard: {exc}", returncode=2) from exc
        if opts["service"]:
            results = self._stored_run(opts, console)
        else:
            options = AuditOptions(parallel=opts["parallel"], timeout_ms=opts["timeout"] * 1000,
                                   allowed_hosts=tuple(settings.AUDIT_ALLOWED_HOSTS))
            urls = opts["urls"]
            if opts["crawl"]:
                urls = crawl(urls[0], max_depth=opts["depth"], max_pages=opts["max_pages"], options=options)
            results = self._with_progress(console, lambda progress: audit([Target(u) for u in urls], options,
                                                                          progress=progress), len(urls))
        pages = [r if isinstance(r, dict) else page_dict(r) for r in results]
        summary = summarise(pages)
        if opts["json"]:
            self.stdout.write(json.dumps({"summary": summary, "pages": pages}, ensure_ascii=False, indent=1))
        else:
            self._print(pages, summary)
        failing = sum(
            violation_elements(i) for p in pages for i in p["issues"]
            if i["kind"] == "violation" and opts["fail_on"] != "none" and at_least(i["impact"], opts["fail_on"])
        )
        broken = [p for p in pages if not p["ok"]]
        if failing or broken:
            console.print(f"[red]failed[/red]: {failing} violating element(s) at or above {opts['fail_on']}, "
                          f"{len(broken)} page(s) could not be audited")
            sys.exit(1)

    def _with_progress(self, console: Console, work, total: int):
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("auditing", total=total)

            def progress(done: int, all_pages: int, url: str) -> None:
                bar.update(task, completed=done, total=all_pages, description=url[-60:])

            return work(progress)

    def _stored_run(self, opts, console: Console):
        from govcx.accounts.models import User
        from govcx.audit import selectors, services
        from govcx.errors import Invalid
        from govcx.registry.models import Service

        service = Service.objects.filter(code=opts["service"]).first()
        if service is None:
            raise CommandError(f"no service with code {opts['service']!r}")
        actor = (User.objects.filter(username=opts["username"]).first() if opts["username"]
                 else User.objects.filter(role="admin", is_active=True).order_by("id").first())
        if actor is None:
            raise CommandError("no user to run the audit as: give --as USERNAME")
        try:
            run = services.audit_run_create(
                actor=actor, service=service, urls=None if opts["crawl"] else opts["urls"],
                crawl_from=opts["urls"][0] if opts["crawl"] else "", max_depth=opts["depth"],
                max_pages=opts["max_pages"], parallel=opts["parallel"],
            )
        except Invalid as exc:
            raise CommandError(str(exc), returncode=2) from exc
        run = services.audit_run_execute(run=run)
        if run.status != "done":
            raise CommandError(f"audit run {run.pk} failed: {run.error}")
        console.print(f"stored as audit run {run.pk} of {service.code}")
        return selectors.stored_results(run)

    def _print(self, pages: list[dict], summary: dict) -> None:
        console = Console(highlight=False)
        table = Table(title="Accessibility violations (axe-core and mapped rules, WCAG 2.2 A/AA)")
        for column in ("page", "rule", "impact", "WCAG", "elements"):
            table.add_column(column)
        for page in pages:
            if not page["ok"]:
                table.add_row(page["url"], "[red]not audited[/red]", "", "", page["error"].splitlines()[0][:120])
            for issue in page["issues"]:
                if issue["kind"] == "violation":
                    table.add_row(page["url"], issue["rule"], issue["impact"] or "", ", ".join(issue["wcag"]),
                                  str(violation_elements(issue)))
        console.print(table)
        review = Table(title="Needs review (axe could not decide)")
        for column in ("page", "rule", "WCAG", "elements"):
            review.add_column(column)
        for page in pages:
            for issue in page["issues"]:
                if issue["kind"] == "needs_review":
                    review.add_row(page["url"], issue["rule"], ", ".join(issue["wcag"]), str(len(issue["targets"])))
        if review.row_count:
            console.print(review)
        by_impact = ", ".join(f"{k} {v}" for k, v in summary["violations"].items())
        console.print(
            f"violations: {summary['violations_total']} elements ({by_impact}); "
            f"needs review: {summary['needs_review']} rules; WCAG 2.2 criteria for manual review: {summary['manual']}"
            f"; pages not audited: {summary['pages_failed']}; scrolls sideways at phone width: "
            f"{summary['pages_scrolling_sideways']} page(s); reading ease: {summary['reading_ease']}; "
            f"registry-held form fields: {summary['registry_held_fields']}"
        )
