"""Starting Chromium: the system browser, its sandbox always on, never as root.

Chromium refuses to run its sandbox as root, and a browser that opens hostile pages must keep it. So when this
process is root (containers, CI), Chromium is started through a small wrapper script that hands its profile
directory to an unprivileged user (``GOVCX_AUDIT_BROWSER_USER``, default ``nobody``) and then becomes that user
with ``setpriv`` (util-linux) before running the browser; otherwise Chromium is started directly. If neither
works, launching fails with a message saying so — the sandbox is never dropped (no ``--no-sandbox``).

Playwright's UI tests and benchmarks start their browser with :func:`launch_options` too.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

# Chromium's own background traffic (form-field predictions from content-autofill.googleapis.com, Safe Browsing
# and component updates, optimisation hints, network time, search preconnects, media router discovery) is
# switched off, so it neither leaves the machine nor shows up among the page's blocked requests. Chromium reads
# one --disable-features switch, so the list repeats the features Playwright disables by default.
DISABLED_FEATURES: tuple[str, ...] = (
    "AutofillServerCommunication", "OptimizationHints", "OptimizationGuideModelDownloading",
    "NetworkTimeServiceQuerying", "PreconnectToSearch", "MediaRouter", "DialMediaRouteProvider", "Translate",
    "InterestFeedContentSuggestions", "CertificateTransparencyComponentUpdater", "SafeBrowsingEnhancedProtection",
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "AimEnabled",
)
CHROMIUM_ARGS: tuple[str, ...] = (
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    "--disable-client-side-phishing-detection", "--safebrowsing-disable-auto-update", "--disable-domain-reliability",
    "--no-pings", "--disable-default-apps", "--disable-features=" + ",".join(DISABLED_FEATURES),
    # WebRTC could reach addresses by UDP around the proxy; only proxied traffic is allowed.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)
DEFAULT_BROWSER_USER = "nobody"


def chromium_executable() -> str | None:
    """``GOVCX_CHROMIUM``, else the system Chromium on PATH; ``None`` lets Playwright use its own download."""
    configured = os.environ.get("GOVCX_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


WRAPPER = """#!/bin/sh
# Written by govcx: start Chromium as {user} with its sandbox on (Chromium will not sandbox itself as root).
profile=""
for arg in "$@"; do
  case "$arg" in --user-data-dir=*) profile="${{arg#--user-data-dir=}}" ;; esac
done
if [ -n "$profile" ]; then
  chown -R {uid}:{gid} "$profile" || exit 71
  export HOME="$profile" XDG_CONFIG_HOME="$profile/.config" XDG_CACHE_HOME="$profile/.cache"
fi
exec {setpriv} --reuid={uid} --regid={gid} --clear-groups -- {chromium} "$@"
"""


@lru_cache(maxsize=4)
def _unprivileged_wrapper(chromium: str, user: str) -> str:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise RuntimeError("the audit browser must not run as root and 'setpriv' (util-linux) is missing to start "
                           "it as an unprivileged user: install util-linux or run govcx as a normal user")
    try:
        account = pwd.getpwnam(user)
    except KeyError as exc:
        raise RuntimeError(f"GOVCX_AUDIT_BROWSER_USER names no user: {user!r}") from exc
    if account.pw_uid == 0:
        raise RuntimeError("GOVCX_AUDIT_BROWSER_USER must not be root: the browser runs with its sandbox on")
    folder = Path(tempfile.mkdtemp(prefix="govcx-chromium-"))
    script = folder / "chromium-unprivileged"
    script.write_text(WRAPPER.format(user=user, uid=account.pw_uid, gid=account.pw_gid,
                                     setpriv=shlex.quote(setpriv), chromium=shlex.quote(chromium)))
    script.chmod(stat.S_IRWXU)
    return str(script)


def launch_options() -> dict[str, Any]:
    """``executable_path`` and ``args`` for Playwright's ``chromium.launch`` (sandbox on, never root)."""
    chromium = chromium_executable()
    if os.geteuid() == 0:
        if chromium is None:
            raise RuntimeError("running as root needs the system Chromium (Debian package 'chromium' or "
                               "GOVCX_CHROMIUM) to start it as an unprivileged user")
        user = os.environ.get("GOVCX_AUDIT_BROWSER_USER") or DEFAULT_BROWSER_USER
        return {"executable_path": _unprivileged_wrapper(chromium, user), "args": list(CHROMIUM_ARGS),
                "chromium_sandbox": True}
    return {"executable_path": chromium, "args": list(CHROMIUM_ARGS), "chromium_sandbox": True}


def launch_failure(exc: Exception) -> RuntimeError:
    """A launch error worded for an operator."""
    return RuntimeError(
        f"cannot start Chromium with its sandbox on ({str(exc).strip().splitlines()[0]}); install the Debian "
        "package 'chromium' or set GOVCX_CHROMIUM, and allow unprivileged user namespaces "
        "(kernel.unprivileged_userns_clone=1) for the sandbox; govcx never runs the browser without it"
    )
