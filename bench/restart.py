"""How long `./run.sh` takes to answer again when nothing changed (issue 13: ≤ 5 s).

Runs `./run.sh` on a throwaway SQLite database in a copy of the project's `.web` (so the build
other runs use is not touched): once to build the frontend for this version, then --runs times
stopped and started again, each time measuring from the start of `./run.sh` to `/login` answering
200. Prints the first start and median, p95, min–max of the restarts.

    python bench/restart.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import TEST_SECRET_KEY, _own_web_dir, free_port, stop_app  # noqa: E402


def start(tmp: Path, port: int, web: Path) -> tuple[subprocess.Popen, float]:
    env = dict(os.environ)
    env.update({
        "PORT": str(port), "REFLEX_WEB_WORKDIR": str(web),
        "REFLEX_DB_URL": f"sqlite:///{tmp / 'data' / 'app.db'}", "APP_DATA_DIR": str(tmp / "data"),
        "APP_SECRET_KEY": TEST_SECRET_KEY, "REFLEX_TELEMETRY_ENABLED": "false",
    })
    began = time.monotonic()
    proc = subprocess.Popen(["bash", str(ROOT / "run.sh")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = began + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("./run.sh exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                if r.status == 200:
                    return proc, time.monotonic() - began
        except OSError:
            pass
        time.sleep(0.05)
    stop_app(proc)
    raise SystemExit("./run.sh did not answer in 600 s")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "data").mkdir()
        web = _own_web_dir(tmp) or tmp / "web"
        port = free_port()
        proc, first = start(tmp, port, web)
        stop_app(proc)
        print(f"first start (builds the frontend, migrates, seeds): {first:.1f} s")
        took = []
        for _ in range(args.runs):
            proc, t = start(tmp, port, web)
            stop_app(proc)
            took.append(t)
        print(f"restart, nothing changed, {args.runs} runs: median {statistics.median(took):.2f} s, "
              f"p95 {pct(took, 95):.2f} s, {min(took):.2f}–{max(took):.2f} s")


if __name__ == "__main__":
    main()
