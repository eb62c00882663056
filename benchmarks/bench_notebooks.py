"""Each chapter notebook's execution time against its budget (notebook metadata
``dlnotes.time_budget_s``), and the whole book's time against 12 minutes. The
notebooks are executed on copies; the stored notebooks are not modified (use
``make execute`` for that)."""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK_BUDGET_S = 720  # the whole book validates within 12 minutes on 2 CPU cores


def run() -> list[dict]:
    import nbformat
    from nbclient import NotebookClient

    only = os.environ.get("BENCH_NOTEBOOKS")  # e.g. "01_neuron,03_mlp"
    rows = []
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        if only and path.stem not in only.split(","):
            continue
        nb = nbformat.read(path, as_version=4)
        budget = nb.metadata.get("dlnotes", {}).get("time_budget_s")
        client = NotebookClient(nb, timeout=1200, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
        rows.append({"name": f"notebook {path.stem}", "value": seconds, "unit": "s",
                     "target": f"<= {budget}" if budget else "none",
                     "ok": budget is None or seconds <= budget})
    if not only:
        total = sum(r["value"] for r in rows)
        rows.append({"name": "whole book (every notebook)", "value": total, "unit": "s",
                     "target": f"<= {BOOK_BUDGET_S}", "ok": total <= BOOK_BUDGET_S})
    return rows
