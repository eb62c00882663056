"""Speed targets of the book, measured here and nowhere else (never in a timed test).

Usage: python benchmarks/run.py [name ...]   (or `make bench`)

Every module ``benchmarks/bench_*.py`` defines ``run() -> list[dict]``; each
dict has ``name``, ``value``, ``unit``, ``target`` (a string such as "<= 30")
and ``ok`` (bool). The script prints one table (the book's scoreboard), writes
it to ``chapters/appendix/bench.json`` (a partial run, ``run.py mlp``, updates
its rows only), regenerates the status page that shows it, and exits non-zero
when a target is missed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
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
    save(rows, hardware_info(), partial=bool(selected))
    missed = [r for r in rows if not r["ok"]]
    return 1 if missed else 0


def save(rows: list[dict], machine: str, partial: bool) -> None:
    """Write the scoreboard (merged into the old one for a partial run) and the status page."""
    path = HERE.parent / "chapters" / "appendix" / "bench.json"
    old = json.loads(path.read_text())["rows"] if partial and path.exists() else []
    names = {r["name"] for r in rows}
    merged = [r for r in old if r["name"] not in names] + [
        {k: (bool(v) if k == "ok" else float(v) if k == "value" else v) for k, v in r.items()}
        for r in rows]
    path.write_text(json.dumps({"machine": machine,
                                "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                                "rows": merged}, indent=1) + "\n")
    spec = importlib.util.spec_from_file_location("execute", HERE.parent / "scripts" / "execute.py")
    execute = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(execute)
    execute.write_status_page()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
