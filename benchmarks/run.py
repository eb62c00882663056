"""Speed targets of the book, measured here and nowhere else (never in a timed test).

Usage: python benchmarks/run.py [name ...]   (or `make bench`)

Every module ``benchmarks/bench_*.py`` defines ``run() -> list[dict]``; each
dict has ``name``, ``value``, ``unit``, ``target`` (a string such as "<= 30")
and ``ok`` (bool). The script prints one table and exits non-zero when a
target is missed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent / "code"))
    from dlnotes.utils import hardware_info

    print(f"machine: {hardware_info()}")
    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        if selected and path.stem.removeprefix("bench_") not in selected:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"running {path.name} ...", flush=True)
        rows += module.run()
    width = max((len(r["name"]) for r in rows), default=10)
    print(f"\n{'benchmark':<{width}}  {'value':>10}  unit      target      result")
    for r in rows:
        print(f"{r['name']:<{width}}  {r['value']:>10.3f}  {r['unit']:<8}  {r['target']:<10}  "
              f"{'ok' if r['ok'] else 'MISSED'}")
    missed = [r for r in rows if not r["ok"]]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
