"""govcx proactive test FILE.yaml... [--pack PACK] | govcx proactive check PACK..."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from govcx.errors import InvalidInput
from govcx.proactive.rules import yaml_tests
from govcx.proactive.rules.catalogue import load_pack, pack_for_tests


class Command(BaseCommand):
    help = ("Proactive services' rules as code: run test files in OpenFisca's YAML test format against a pack "
            "(`test`), validate packs (`check`). Neither needs a database.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        test = sub.add_parser("test", help="run YAML tests; exits 1 when any value differs")
        test.add_argument("paths", nargs="+", help="test files, or directories searched for *.yaml")
        test.add_argument("--pack", help="the pack (its pack.yaml or directory); default: the pack.yaml beside "
                          "the tests, else the first shipped pack that knows their variables")
        test.add_argument("--name-filter", dest="name_filter", help="run only tests whose name contains this")
        check = sub.add_parser("check", help="validate packs: file, line and variable of every problem")
        check.add_argument("paths", nargs="+")

    def handle(self, *args, action: str, paths: list[str], **options) -> None:
        console = Console(highlight=False, soft_wrap=True)
        if action == "check":
            self.check_packs(console, paths)
            return
        failed = passed = 0
        named = Path(options["pack"]) if options.get("pack") else None
        name_filter = options.get("name_filter")
        for file in yaml_tests.test_files(Path(p) for p in paths):
            try:
                tests = yaml_tests.read_tests(file)
                pack = pack_for_tests(file, tests, named)
            except (yaml_tests.TestFileError, InvalidInput) as exc:
                console.print(f"[red]error[/red] {exc}")
                failed += 1
                continue
            for test in tests:
                if name_filter and name_filter not in str(test.get("name", "")) and name_filter not in file.name:
                    continue
                result = yaml_tests.run_test(pack, test, str(file)) if isinstance(test, dict) else \
                    yaml_tests.TestResult(str(file), "", [f"a test must be a mapping, not {test!r}"])
                if result.passed:
                    passed += 1
                    continue
                failed += 1
                console.print(f"[red]FAIL[/red] {file}: {result.name}")
                for failure in result.failures:
                    console.print(f"    In test {result.name!r}, in file {file}: {failure}", markup=False)
        console.print(f"{passed} passed, {failed} failed")
        if failed or not passed:
            raise CommandError("some tests failed" if failed else "no tests were run", returncode=1)

    def check_packs(self, console: Console, paths: list[str]) -> None:
        bad = False
        for path in paths:
            try:
                pack = load_pack(Path(path))
            except InvalidInput as exc:
                bad = True
                for problem in exc.problems:
                    console.print(f"[red]error[/red] {problem}", markup=False)
                continue
            console.print(f"[green]ok[/green] {path}: {pack.name}, {len(pack.variables)} variables")
        if bad:
            raise CommandError("invalid pack", returncode=1)
