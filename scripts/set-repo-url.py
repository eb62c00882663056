"""Change the book's repository URL everywhere it is used, from its one source.

The URL lives in ``_config.yml`` (``repository.url``): the website's buttons use
it there. The Colab set-up cell of every chapter (which must name it, because
Colab starts from the notebook alone) and the README's links are derived from
it by this script; ``tests/test_repo_url.py`` fails when any copy disagrees.

Usage: python scripts/set-repo-url.py https://github.com/OWNER/REPO
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
URL_LINE = re.compile(r"^(  url: )(\S+)$", re.M)


def current_url() -> str:
    """The repository URL of ``_config.yml`` (the one place it is defined)."""
    match = URL_LINE.search(CONFIG.read_text())
    if not match:
        raise SystemExit("_config.yml has no 'repository: url:' line")
    return match.group(2)


def colab_install_line(url: str) -> str:
    return f'    !pip -q install "dlnotes @ git+{url}"'


def replace_everywhere(old: str, new: str) -> list[Path]:
    changed = []
    config = CONFIG.read_text()
    CONFIG.write_text(URL_LINE.sub(lambda m: m.group(1) + new, config))
    changed.append(CONFIG)
    for nb_path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        first = nb["cells"][0]
        source = "".join(first["source"]).replace(old, new)
        lines = source.split("\n")
        first["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
        nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(nb_path)
    old_path, new_path = old.split("github.com/")[-1], new.split("github.com/")[-1]
    for path in (ROOT / "README.md",):
        path.write_text(path.read_text().replace(old, new).replace(old_path, new_path))
        changed.append(path)
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].startswith("https://github.com/"):
        raise SystemExit(__doc__)
    for p in replace_everywhere(current_url(), sys.argv[1].rstrip("/")):
        print("updated", p.relative_to(ROOT))
