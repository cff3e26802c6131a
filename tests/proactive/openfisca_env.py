"""OpenFisca in an environment of its own (AGPL, and its web extra pins gunicorn below 23: it stays out of
uv.lock). Created once in a cache directory; callers skip when it cannot be made (no network, no uv)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CACHE = Path(os.environ.get("GOVCX_OPENFISCA_VENV", Path.home() / ".cache" / "govcx" / "openfisca-venv"))


def openfisca_python() -> tuple[Path | None, str]:
    """The environment's python, or None with the reason it could not be made."""
    python = CACHE / "bin" / "python"
    marker = CACHE / ".govcx-ready"
    if marker.exists() and python.exists():
        return python, ""
    uv = shutil.which("uv")
    if uv is None:
        return None, "uv is not on PATH to create OpenFisca's environment"
    try:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([uv, "venv", "-q", "-p", "3.11", str(CACHE)], check=True, capture_output=True, timeout=300)
        subprocess.run([uv, "pip", "install", "-q", "--python", str(python), "openfisca-country-template"],
                       check=True, capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"could not install openfisca-country-template in {CACHE}: {exc}"
    marker.write_text("ok", encoding="utf-8")
    return python, ""
