"""The offline check of the built website must flag what would need the network."""

from __future__ import annotations

from pathlib import Path

from script_loader import load_script


def load_checker():
    return load_script("check_offline.py")


def make_site(tmp_path: Path, page: str) -> Path:
    for rel in load_checker().REQUIRED:
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("// vendored")
    (tmp_path / "index.html").write_text(page)
    return tmp_path


def test_offline_site_passes(tmp_path, capsys):
    site = make_site(tmp_path, '<script src="vendor/mathjax/es5/tex-chtml.js"></script>'
                               '<a href="https://github.com/x">a link loads nothing</a>'
                               '<link rel="canonical" href="https://example.org/">')
    assert load_checker().main(str(site)) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_cdn_script_and_stylesheet_are_flagged(tmp_path, capsys):
    site = make_site(tmp_path, '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js">'
                               '</script><link rel="stylesheet" href="//fonts.example.com/a.css">')
    assert load_checker().main(str(site)) == 1
    out = capsys.readouterr().out
    assert "cdn.jsdelivr.net" in out and "fonts.example.com" in out


def test_missing_vendored_file_is_flagged(tmp_path, capsys):
    site = make_site(tmp_path, "<p>no scripts</p>")
    (site / "vendor" / "mathjax" / "es5" / "tex-chtml.js").unlink()
    assert load_checker().main(str(site)) == 1
    assert "missing vendored file: vendor/mathjax/es5/tex-chtml.js" in capsys.readouterr().out
