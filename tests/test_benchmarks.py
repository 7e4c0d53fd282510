"""The benchmarks still run: each script in its --quick form, in a subprocess, exits 0 and prints its figure lines.

Only that the lines are there is checked, never the values (the figures depend on the machine). On SQLite only: the
scripts make their own databases (tests/conftest.py runs tests without the test database in the SQLite pass).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"[0-9][0-9,.]*"


def run(script: str, *args: str, timeout: float = 120) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{script} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def assert_lines(output: str, patterns: list[str]) -> None:
    missing = [p for p in patterns if not re.search(p, output, re.MULTILINE)]
    assert not missing, f"lines missing: {missing}\n--- output:\n{output}"


def test_fanout_runs_and_prints_its_figures():
    output = run("fanout.py")
    assert_lines(
        output,
        [
            rf"^run 1/1: intake {NUMBER} s, listing {NUMBER} s, bare {NUMBER} s$",
            rf"^intake: create_incident \+ commit \(s\) +{NUMBER} +{NUMBER}",
            rf"^listing: GET \.\.\./deadlines \(s\) +{NUMBER} +{NUMBER}",
            rf"^bare sqlite3 executemany \(s\) +{NUMBER} +{NUMBER}",
            rf"^ratio intake / bare \(x\) +{NUMBER}x +{NUMBER}x",
        ],
    )


def test_pages_runs_and_prints_a_figure_for_every_page_and_export(tmp_path):
    output = run("pages.py", "--runs", "2", "--cache-dir", str(tmp_path))
    pages = ("incident", "intake", "contracts", "incidents", "dashboard", "register", "feed")
    patterns = []
    for name in pages:
        patterns += [
            rf"\[{name}\]\n  bare baseline +n=\d+ +best +{NUMBER} s +median +{NUMBER} s +{NUMBER} KB[^\n]*\n"
            rf"  app +n=\d+ +best +{NUMBER} s +median +{NUMBER} s .*{NUMBER} KB +\d+ SQL statements",
        ]
    for name in ("csv", "xlsx", "pdf"):
        patterns += [
            rf"\[{name}\]\n  bare baseline +{NUMBER} s +{NUMBER} MB +peak RSS \+{NUMBER} MB\n"
            rf"  app +{NUMBER} s +{NUMBER} MB +peak RSS \+{NUMBER} MB"
        ]
    patterns.append(rf"\[dashboard\]\n.*\n  app +n=2\d .* p95 +{NUMBER} s")
    assert_lines(output, patterns)
    assert "did not finish" not in output


def test_pages_refuses_an_unknown_page_name():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "pages.py"), "--quick", "--only", "incident,nonsense"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown names in --only: nonsense" in done.stderr


def test_notify_runs_and_prints_its_figures():
    output = run("notify.py")
    assert_lines(
        output,
        [
            rf"^request \(POST notify all\) +{NUMBER} s +HTTP [23]\d\d",
            rf"^delivery \([1-4] worker\(s\), passes: \d+\) +{NUMBER} s +outbox \{{'sent': 10\}}",
            rf"^end to end \(rendered \+ delivered\) +{NUMBER} per s \(10 notices in {NUMBER} s\)",
            rf"^bare reportlab +{NUMBER} per s",
            rf"^bare smtplib +{NUMBER} per s \(10 same bytes\)",
            rf"^bare end to end +{NUMBER} per s",
        ],
    )


def test_verify_runs_and_prints_its_figures():
    output = run("verify.py")
    assert_lines(
        output,
        [
            rf"^verify: 10,000 chained rows in {NUMBER} s median of 1 \({NUMBER} rows/s\); target <= 10 s: (met|MISSED)$",  # noqa: E501
            rf"^bare floor \(sqlite3 read \+ one sha256 per row, no join\): {NUMBER} s; verify/bare {NUMBER}x$",
            rf"^intake of 500 contracts: {NUMBER} s with the chain, {NUMBER} s without .*the chain adds [+-]{NUMBER}%",
        ],
    )
