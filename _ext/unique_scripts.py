"""Sphinx extension: include each page script once.

sphinx-thebe 0.3 (pulled in by Jupyter Book 1) registers its inline configuration script
twice (once with the file name ``None``, once with ``''``), so every page declares
`const THEBE_JS_URL` twice and the browser reports an error. Keep the first copy of
every script, comparing inline scripts by their body.
"""
from __future__ import annotations


def _unique(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", str(script)) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _unique, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
