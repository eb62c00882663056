// dlnotes website: better search-result snippets (scripts/sphinx_site.py adds
// this file to the search page only). Sphinx builds a snippet from the whole
// [role=main] element, which in this theme also holds the in-page contents
// sidebar, and from the raw text of math (\( ... \)). Take the article text
// only, and show math as its TeX without the delimiters.
"use strict";
(function () {
  // searchtools.js declares `const Search`: a global binding, not a window property
  if (typeof Search === "undefined") return;
  var DROP = [".headerlink", "script", "style", ".bd-sidebar-secondary", ".bd-sidebar-primary",
              ".prev-next-area", ".bd-header-article", "footer", "nav", ".dlx"];
  function plain(tex) {
    return tex.replace(/^\s*(\\\(|\\\[|\$\$?)/, "").replace(/(\\\)|\\\]|\$\$?)\s*$/, "").trim();
  }
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    DROP.forEach(function (q) { doc.querySelectorAll(q).forEach(function (el) { el.remove(); }); });
    doc.querySelectorAll(".math").forEach(function (el) { el.textContent = " " + plain(el.textContent) + " "; });
    var main = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
    if (!main) return "";
    if (anchor) {
      var part = null;
      try { part = main.querySelector(anchor); } catch (e) { part = null; }
      if (part) return part.textContent;
    }
    return main.textContent;
  };
})();
