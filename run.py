#!/usr/bin/env python3
"""Set up and run Pressroom with nothing but Python 3.12+ installed.

    python3 run.py demo      # the demo: web app, sandbox platforms, worker, dispatcher (SQLite)
    python3 run.py test      # the whole test suite
    python3 run.py <command> # any `pressroom` command, e.g. `python3 run.py dispatcher`

It installs uv if it is missing, then lets uv create the environment from uv.lock.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"


def find_uv() -> str:
    found = shutil.which("uv") or shutil.which("uv", path=str(TOOLS / "bin"))
    if found:
        return found
    print("Installing uv into .tools/ …", flush=True)
    subprocess.check_call([sys.executable, "-m", "venv", str(TOOLS)])
    subprocess.check_call([str(TOOLS / "bin" / "pip"), "install", "--quiet", "uv"])
    return str(TOOLS / "bin" / "uv")


def find_python() -> str | None:
    """An interpreter of 3.12 or newer, for uv; None lets uv choose (or download) one."""
    if os.environ.get("UV_PYTHON"):
        return os.environ["UV_PYTHON"]
    if sys.version_info >= (3, 12):
        return sys.executable
    candidates = [shutil.which(f"python3.{minor}") for minor in (14, 13, 12)]
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.1[2-9]*/bin/python3")))
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def main() -> int:
    arguments = sys.argv[1:] or ["demo"]
    env = dict(os.environ)
    python = find_python()
    if python:
        env["UV_PYTHON"] = python
    uv = find_uv()
    if arguments[0] == "test":
        command = [uv, "run", "--frozen", "pytest", *arguments[1:]]
    else:
        command = [uv, "run", "--frozen", "pressroom", *arguments]
    os.chdir(ROOT)
    process = subprocess.Popen(command, env=env)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            # Ctrl-C reaches the child too; wait while it stops its own processes.
            continue


if __name__ == "__main__":
    sys.exit(main())
