"""Every chapter notebook follows the book's conventions (CONTRIBUTING.md).

These checks read the stored notebooks; nbval (``make test``) executes them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("[0-9][0-9]_*.ipynb"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_there_are_chapter_notebooks():
    assert len(CHAPTERS) >= 5


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_cell_installs_in_colab_and_is_hidden(path):
    first = load(path)["cells"][0]
    source = "".join(first["source"])
    assert first["cell_type"] == "code"
    assert "remove-cell" in first.get("metadata", {}).get("tags", [])
    assert '"google.colab" in sys.modules' in source and "pip" in source and "import dlnotes" in source


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_time_budget_and_kernel(path):
    meta = load(path)["metadata"]
    assert isinstance(meta.get("dlnotes", {}).get("time_budget_s"), (int, float))
    assert meta["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_structure_goals_summary_exercises(path):
    text = markdown(load(path))
    # one style on every page: the tip admonition (CONTRIBUTING.md, "Structure")
    assert re.search(r"^```\{admonition\} Learning goals\n:class: tip$", text, re.M), \
        "learning goals at the top, as a {admonition} Learning goals with :class: tip"
    assert re.search(r"^## Summary", text, re.M), "a summary section"
    exercises = re.findall(r"```\{exercise\}", text)
    solutions = re.findall(r"```\{solution-start\}", text)
    assert len(exercises) >= 3 and len(solutions) >= len(exercises)
    assert text.count("{solution-start}") == text.count("{solution-end}")
    assert re.search(r"[\u4e00-\u9fff]", text), "Chinese terms at first use"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_stored_outputs_from_one_clean_run(path):
    nb = load(path)
    counts = [c.get("execution_count") for c in nb["cells"]
              if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert None not in counts, "every code cell executed"
    assert counts == list(range(1, len(counts) + 1)), "executed top to bottom in one run"
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", "no stored errors"
            blob = json.dumps(out)
            assert not re.search(r"/(root|home|tmp|work)/", blob), "no machine paths in outputs"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_hardware_dependent_cells_assert(path):
    """A cell whose output is not compared must check what matters itself."""
    for cell in load(path)["cells"]:
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            assert re.search(r"^\s*assert ", "".join(cell["source"]), re.M), \
                "an nbval-ignore-output cell without an assert:\n" + "".join(cell["source"])[:300]


# "Cybenko (1989)", "Kingma & Ba 2015", "He et al. 2015", "Hornik, Stinchcombe and White (1989)":
# a capitalised name followed, within a few words, by a year. Words that precede a year but
# are not authors are listed.
CITATION = re.compile(r"\b([A-Z][a-zA-Z\u00c0-\u017f\-]+)(?: et al\.?| (?:&|and) [A-Z][a-zA-Z\-]+)?,? "
                      r"\(?((?:19|20)\d\d)\b")
NOT_AUTHORS = {"In", "Since", "By", "From", "Until", "Research", "ILSVRC", "September", "December", "VGG",
               "ImageNet", "Python", "Debian", "AlexNet", "GoogLeNet", "ResNet", "LeNet", "GPT",
               "Transformer", "MNIST", "Fashion"}
REFERENCES = Path(__file__).resolve().parents[1] / "chapters" / "appendix" / "references.md"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_cited_author_is_in_the_references(path):
    entries = [line for line in REFERENCES.read_text(encoding="utf-8").splitlines() if line.startswith("* ")]
    cited = {(m.group(1), m.group(2)) for m in CITATION.finditer(markdown(load(path)))}
    missing = sorted(f"{name} {year}" for name, year in cited if name not in NOT_AUTHORS
                     and not any(name in entry and year in entry for entry in entries))
    assert not missing, f"cited in {path.name} but not in references.md (name and year): {missing}"
