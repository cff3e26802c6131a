"""The `govcx` command: Django's management commands, plus `demo` and `serve` (see README)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("GOVCX_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    from django.core.management import execute_from_command_line

    argv[0] = "govcx"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
