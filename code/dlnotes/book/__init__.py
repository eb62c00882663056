"""What renders the book: plots, explorable demos, errata tables, reference recipes, shown code.

* :mod:`~dlnotes.book.plot` — plotting helpers used across chapters;
* :mod:`~dlnotes.book.widgets` — demos that are live ipywidgets in Jupyter and
  precomputed HTML/JavaScript on the website (the JavaScript and CSS are
  package data files in ``book/assets/``);
* :mod:`~dlnotes.book.errata` — comparing recomputed numbers with the slides';
* :mod:`~dlnotes.book.recipes` — the reference training runs whose targets the
  book states and ``make bench`` measures;
* :mod:`~dlnotes.book.source` — :func:`show_source`.
"""

from .source import show_source

__all__ = ["show_source"]
