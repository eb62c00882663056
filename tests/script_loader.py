"""Load one of the repository's ``scripts/*.py`` as a module, for the tests of those scripts.

``tests/`` has no ``__init__.py``, so pytest puts it on ``sys.path``:
``from script_loader import load_script``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(filename: str) -> ModuleType:
    """A fresh module object for ``scripts/<filename>`` (named after the file)."""
    name = Path(filename).stem.replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
