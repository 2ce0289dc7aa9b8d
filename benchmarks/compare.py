#!/usr/bin/env python3
"""Side-by-side runs of oddkit and its peers on the same data in the same process.

Each suite lives in benchmarks/suites/<name>.py and defines

    TITLE = "..."                       # the section heading
    def run(quick: bool) -> str: ...    # Markdown: tables of times, ratios and answers

A suite checks that oddkit's answers match the peer's in the same run and says so in its
table. This driver runs the suites asked for and rewrites their sections of
docs/benchmarks.md (between <!-- BEGIN name --> and <!-- END name -->), keeping the others.

    python benchmarks/compare.py                      # every suite, full sizes
    python benchmarks/compare.py --suite isolation_forest --quick
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "benchmarks" / "suites"
REPORT = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Every figure here comes from `benchmarks/compare.py`, which runs oddkit and the peer on the
same data in the same process and checks that their answers agree. Ratios are peer time
divided by oddkit time (above 1 means oddkit is faster). Each section names the command that
produced it and the machine it ran on.
"""


def available_suites() -> list[str]:
    return sorted(p.stem for p in SUITES.glob("*.py") if not p.stem.startswith("_"))


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def replace_section(text: str, name: str, body: str) -> str:
    block = f"<!-- BEGIN {name} -->\n{body.rstrip()}\n<!-- END {name} -->"
    pattern = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->", re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", action="append", choices=available_suites(),
                        help="suite to run (repeatable); default: all")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SUITES))
    text = REPORT.read_text() if REPORT.exists() else HEADER
    for name in args.suite or available_suites():
        suite = importlib.import_module(name)
        command = f"python benchmarks/compare.py --suite {name}" + (" --quick" if args.quick else "")
        print(f"== {name}", flush=True)
        body = suite.run(quick=args.quick)
        stamp = datetime.date.today().isoformat()
        section = f"## {suite.TITLE}\n\n`{command}` ({machine()}, {stamp})\n\n{body}"
        print(section, flush=True)
        text = replace_section(text, name, section)
    if not args.no_write:
        REPORT.write_text(text)
        print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
