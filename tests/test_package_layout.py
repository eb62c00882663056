"""The package's layout rules: no import cycles, every module documented, one way of showing code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "code" / "dlnotes"


def modules() -> dict[str, Path]:
    """``dlnotes.scratch.linear`` -> its file, for every module of the package."""
    out = {}
    for path in PKG.rglob("*.py"):
        parts = path.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Package modules that ``name`` imports anywhere in its file (lazy imports in functions too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    edges = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            edges |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("dlnotes"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                edges.add(sub if sub in known else target)
    return {e for e in edges if e in known and e != name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(g):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_import_graph_has_no_cycles():
    g = graph()
    assert "dlnotes.scratch.linear" in g["dlnotes.scratch.container"]  # the parser sees imports
    assert find_cycle(g) is None, f"import cycle: {' -> '.join(find_cycle(g))}"


def test_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_numpy_side_never_imports_the_torch_training_loop():
    g = graph()
    for name, deps in g.items():
        if name.startswith("dlnotes.scratch"):
            assert "dlnotes.train" not in deps, f"{name} imports dlnotes.train"


def test_contributing_lists_every_module():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    layout = text[text.index("## Where code goes"):]
    layout = layout[: layout.index("\n## ", 3)]
    assert "..." not in layout and "…" not in layout, "the layout section lists every module"
    for path in modules().values():
        rel = path.relative_to(PKG).as_posix()
        shown = rel if path.name != "__init__.py" else rel.rsplit("/", 1)[0] + "/"
        if rel == "__init__.py":
            continue
        assert f"`{shown}`" in layout, f"CONTRIBUTING.md's layout section does not list `{shown}`"


def test_no_init_directly_in_code_and_assets_are_package_data():
    assert not (ROOT / "code" / "__init__.py").exists()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'dlnotes\s*=\s*\[\s*"book/assets/\*"', pyproject)


def test_chapters_show_code_one_way():
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        assert "literalinclude" not in nb.read_text(), f"{nb.name}: show code with show_source"
