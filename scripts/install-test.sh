#!/usr/bin/env bash
# The install test: what a reader's Colab or Binder would hit.
#
# Builds the package as a wheel, installs it into a fresh virtual environment
# with only its *declared* dependencies (pyproject.toml; no lock file, no dev
# tools), imports every module, and executes chapter 1 top to bottom there.
# A missing dependency declaration or a file left out of the wheel (e.g. the
# demos' JavaScript in book/assets) fails here rather than in a reader's Colab.
#
# One exception to "declared dependencies only": torch is pinned to the
# version of requirements.txt, because on this project's machines that
# version resolves to a CPU build on disk, where an unpinned torch would
# download gigabytes of CUDA libraries. The kernel runner (ipykernel) is
# installed next to the package, as Colab and Binder have one.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "install test in $work"
"$PY" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$work/dist" . >/dev/null
ls "$work"/dist/dlnotes-*.whl
# (read the whole listing first: `unzip -l | grep -q` under pipefail fails at
# random when grep exits early and unzip dies of SIGPIPE)
listing=$(unzip -l "$work"/dist/dlnotes-*.whl)
grep -q "dlnotes/book/assets/explorer.js" <<<"$listing" \
  || { echo "the wheel lacks dlnotes/book/assets/*.js (package data)"; exit 1; }
python3 -m venv "$work/venv"
V="$work/venv/bin/python"
"$V" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
torch_pin=$(grep -E '^torch==' requirements.txt)
"$V" -m pip install --quiet --disable-pip-version-check "$work"/dist/dlnotes-*.whl "$torch_pin" ipykernel
# every module imports (lazy imports included: each module's names are touched)
(cd "$work" && "$V" - <<'PY'
import importlib, pkgutil
import dlnotes
names = [m.name for m in pkgutil.walk_packages(dlnotes.__path__, "dlnotes.")]
for name in names:
    importlib.import_module(name)
print(f"imported {len(names)} modules of dlnotes {dlnotes.__version__} from {dlnotes.__file__}")
from dlnotes.book import widgets
assert "use strict" in widgets._asset("explorer.js")
PY
)
"$V" -m ipykernel install --prefix "$work/kernel" --name dlnotes-install-test >/dev/null
# execute chapter 1 in that environment (data from the book's cache folder)
DLNOTES_DATA="$PWD/data" JUPYTER_PATH="$work/kernel/share/jupyter" "$PY" - "$work" <<'PY'
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
nb = nbformat.read("chapters/01_neuron.ipynb", as_version=4)
work = Path(sys.argv[1])
start = time.perf_counter()
NotebookClient(nb, timeout=600, kernel_name="dlnotes-install-test",
               resources={"metadata": {"path": str(work)}}).execute()
print(f"chapter 1 executed top to bottom in the fresh environment in {time.perf_counter() - start:.1f} s")
PY
echo "install test passed"
