"""Read Sphinx's link-check report: broken internal links fail, external ones only warn.

Usage: python scripts/check_links.py _build/links/_build/html/output.json  (see `make linkcheck`)

The book is built and tested offline (CI reaches package registries only), so
an external URL that cannot be reached is reported but does not fail the run;
a link to a page or anchor of the book itself that is broken always fails.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(path: str) -> int:
    report = Path(path)
    if not report.exists():
        print(f"{report} not found: run `make linkcheck`")
        return 2
    rows = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    internal = [r for r in rows if not r["uri"].startswith(("http://", "https://", "mailto:"))]
    external = [r for r in rows if r not in internal]
    bad_internal = [r for r in internal if r["status"] == "broken"]
    bad_external = [r for r in external if r["status"] in ("broken", "timeout")]
    for r in bad_external:
        print(f"warning (external, not failing): {r['filename']}:{r['lineno']} {r['uri']} ({r['status']})")
    for r in bad_internal:
        print(f"BROKEN: {r['filename']}:{r['lineno']} {r['uri']}: {r['info']}")
    ok = sum(r["status"] in ("working", "redirected") for r in external)
    print(f"link check: {len(internal)} internal ({len(bad_internal)} broken), "
          f"{len(external)} external ({ok} reachable, {len(bad_external)} not reachable from here)")
    return 1 if bad_internal else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/links/_build/html/output.json"))
