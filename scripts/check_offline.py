"""Check that the built website loads no script, style sheet or font from the network.

Usage: python scripts/check_offline.py _build/html
Exits non-zero, listing the offending pages, if any page references an
external script/stylesheet, or if the vendored MathJax is missing from the
build.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

EXTERNAL = re.compile(
    r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["'](https?:)?//[^"']+["']""", re.I)
REQUIRED = ["vendor/mathjax/es5/tex-chtml.js"]


def main(root: str) -> int:
    base = Path(root)
    problems = [f"missing vendored file: {p}" for p in REQUIRED if not (base / p).is_file()]
    pages = sorted(base.rglob("*.html"))
    for page in pages:
        if "vendor" in page.parts:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for m in EXTERNAL.finditer(text):
            tag = m.group(0)
            loads = re.search(r"rel=[\"']?(stylesheet|preload|modulepreload)", tag)
            if m.group(1).lower() == "link" and not loads:
                continue  # <link rel="canonical"> etc. load nothing
            problems.append(f"{page.relative_to(base)}: {tag[:160]}")
    for p in problems:
        print("offline check:", p)
    print(f"offline check: {len(pages)} pages, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
