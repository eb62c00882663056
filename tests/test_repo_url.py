"""The repository URL lives in one place (_config.yml); every copy is derived from it."""

from __future__ import annotations

import json
import re

from script_loader import ROOT, load_script

set_repo_url = load_script("set-repo-url.py")


def test_every_colab_cell_installs_from_the_configured_repository():
    url = set_repo_url.current_url()
    assert url.startswith("https://github.com/")
    for nb in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        first = "".join(json.loads(nb.read_text(encoding="utf-8"))["cells"][0]["source"])
        assert set_repo_url.colab_install_line(url) in first, f"{nb.name}: Colab cell uses another URL"


def test_readme_links_use_the_configured_repository():
    url = set_repo_url.current_url()
    readme = (ROOT / "README.md").read_text()
    path = url.split("github.com/")[-1]
    assert f"colab.research.google.com/github/{path}/" in readme
    book_links = r"(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh|git\+https://github\.com)/([\w.-]+/[\w.-]+)"
    others = set(re.findall(book_links, readme)) - {path}
    assert not others, f"README names other repositories: {others}"
