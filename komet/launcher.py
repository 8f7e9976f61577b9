"""`make run`: the web app, a Celery worker, Celery beat and the Cargo Master sandbox.

Each runs as its own process, as in production, and Ctrl-C stops them all. A
process that dies is started again, as a service manager would; one that keeps
dying (five times within a minute) stops everything, with its exit code.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sandbox import seed

BASE_DIR = Path(__file__).resolve().parent.parent
RESTART_LIMIT, RESTART_WINDOW = 5, 60.0
PYTHON = sys.executable
HOST = os.environ.get("KOMET_HOST", "127.0.0.1")
PORT = os.environ.get("KOMET_PORT", "8000")
SANDBOX_PORT = os.environ.get("SANDBOX_PORT", "8025")

PROCESSES = {
    "sandbox": [PYTHON, "-m", "sandbox", "--host", "127.0.0.1", "--port", SANDBOX_PORT],
    "worker": [
        PYTHON, "-m", "celery", "-A", "komet", "worker",
        "--pool", "threads", "--concurrency", "16", "--loglevel", "INFO",
    ],
    "beat": [PYTHON, "-m", "celery", "-A", "komet", "beat", "--loglevel", "INFO"],
    "web": [
        PYTHON, "-m", "gunicorn", "komet.wsgi", "--bind", f"{HOST}:{PORT}",
        "--workers", "2", "--threads", "8", "--access-logfile", "-",
    ],
}  # fmt: skip

BANNER = f"""
  Komet Cargo is running at http://{HOST}:{PORT}/

  Demo logins (company "Miami Blooms Import"):
    administrator  admin / komet-admin-2027
    buyer          buyer / komet-buyer-2027
    operations     ops   / komet-ops-2027

  Cargo Master sandbox at http://127.0.0.1:{SANDBOX_PORT}/ — enter these under
  Setup > Settings > Integrations > Cargo Master Settings:
    username       {seed.DEMO_USERNAME}
    password       {seed.DEMO_PASSWORD}
    importer code  {seed.DEMO_IMPORTER_CODE}

  Press Ctrl-C to stop.
"""


def main() -> int:
    env = {
        **os.environ,
        "CARGO_MASTER_SANDBOX_URL": f"http://127.0.0.1:{SANDBOX_PORT}",
        "PYTHONUNBUFFERED": "1",
    }
    children = {name: _start(name, env) for name in PROCESSES}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    time.sleep(2)
    print(BANNER, flush=True)
    try:
        return _watch(children, env)
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        _stop(children)


def _watch(children: dict[str, subprocess.Popen], env: dict[str, str]) -> int:
    deaths: dict[str, list[float]] = {name: [] for name in children}
    while True:
        time.sleep(0.5)
        for name, child in list(children.items()):
            if child.poll() is None:
                continue
            now = time.monotonic()
            deaths[name] = [t for t in deaths[name] if now - t < RESTART_WINDOW]
            deaths[name].append(now)
            if len(deaths[name]) >= RESTART_LIMIT:
                print(f"{name} keeps stopping (exit code {child.returncode})")
                return 1
            print(
                f"{name} stopped with exit code {child.returncode}; starting it again"
            )
            if name == "sandbox":
                print("  (the sandbox keeps reservations in memory: it starts empty)")
            children[name] = _start(name, env)


def _start(name: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(PROCESSES[name], cwd=BASE_DIR, env=env)


def _stop(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    sys.exit(main())
