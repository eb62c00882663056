"""Showing package code in a chapter: the book's one way of doing it."""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["show_source"]


def show_source(obj: Any) -> Any:
    """Display the source code of a package object with syntax highlighting.

    In a notebook this returns a rich object (rendered as highlighted code);
    elsewhere it returns the source as a string. Chapters *show* package code
    with it instead of redefining it.
    """
    source = inspect.getsource(obj)
    try:
        from IPython.display import Code
    except ImportError:  # pragma: no cover
        return source
    return Code(source, language="python")
