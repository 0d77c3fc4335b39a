#!/usr/bin/env python3
"""Set up a virtual environment and run the project's main jobs, with nothing but Python 3.11+.

Usage:
    python3 tasks.py run     # create .venv, install, build + validate the graph, print a sample answer
    python3 tasks.py test    # create .venv, install (with test extras), run the whole test suite

Installs use the pinned versions in constraints.txt, so every machine gets the same libraries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".serge-kg-installed"

# What the test suite needs beyond Python: (command that must be on PATH, Debian package that gives it).
# `tasks.py test` installs the missing ones with apt-get when it runs as root; under CI=true a tool
# that is still missing afterwards is an error, elsewhere the tests that need it skip with a message.
SYSTEM_TOOLS: list[tuple[str, str]] = [
    ("chromium", "chromium"),  # the browser tests (tests/web/test_browser.py) drive /usr/bin/chromium
    ("virtuoso-t", "virtuoso-opensource-7"),  # tests/web/test_stores.py: saved queries on Virtuoso 7
    ("curl", "curl"),  # tests/web/test_protocol.py: the endpoint with curl
]


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def setup(extras: str) -> None:
    """Create .venv and install the project, pinned by constraints.txt (skipped when up to date)."""
    if sys.version_info < (3, 11):
        sys.exit(f"serge-kg needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    key = f"{extras}:{(ROOT / 'constraints.txt').stat().st_mtime_ns}:{(ROOT / 'pyproject.toml').stat().st_mtime_ns}"
    if STAMP.exists() and key in STAMP.read_text().splitlines():
        return
    _run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", "constraints.txt", "-e", f".[{extras}]" if extras else ".")
    with STAMP.open("a") as fh:
        fh.write(key + "\n")


def system_tools() -> None:
    """Install the Debian packages of :data:`SYSTEM_TOOLS` whose command is missing (root + apt-get only)."""
    missing = [(cmd, pkg) for cmd, pkg in SYSTEM_TOOLS if shutil.which(cmd) is None]
    if not missing:
        return
    packages = sorted({pkg for _, pkg in missing})
    can_install = os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")
    if can_install:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print(f"installing {', '.join(packages)} with apt-get (needed by the tests)", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=False, env=env)
    still = [cmd for cmd, _ in missing if shutil.which(cmd) is None]
    if still and os.environ.get("CI") == "true":
        sys.exit(f"CI=true and the tests need {', '.join(still)} (Debian: {', '.join(packages)}), which could not "
                 "be installed; install them (apt-get install ...) and rerun")
    if still:
        print(f"note: {', '.join(still)} not found; the tests that need them will skip", flush=True)


def main(argv: list[str]) -> int:
    job = argv[1] if len(argv) > 1 else "run"
    if job == "run":
        setup("")
        _run(BIN / "serge-kg", "build")
        _run(BIN / "serge-kg", "query", "life-timeline", "--limit", "15")
        print(f"\nto browse it: {BIN / 'serge-kg'} serve, then open http://127.0.0.1:8000/", flush=True)
        return 0
    if job == "test":
        setup("test")
        system_tools()
        result = subprocess.run([str(PY), "-m", "pytest", *argv[2:]], cwd=ROOT)
        return result.returncode
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
