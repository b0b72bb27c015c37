"""
A Griffe extension for the documentation site: cartnorm's docstrings read well as Markdown.

mkdocstrings renders docstrings as Markdown, and cartnorm's are written for people reading the
source and for ``pytest --doctest-modules``. Before rendering, this extension

* fences each run of doctest lines (from a ``>>>`` line to the next blank line) as ``pycon`` code,
  without the ``# doctest:`` flags — Markdown would read ``>>>`` as three nested quotes;
* turns reStructuredText's ``text::`` (an indented literal block follows) into ``text:`` — the
  indented block is already code in Markdown;
* leaves out the members that are machinery, not API (``__slots__``, ``__attrs_post_init__``,
  ``__reduce__`` …), which ``__all__``-based filtering would otherwise show.

Lines already inside a fenced block, or indented (a Google-style ``Examples:`` section, which
mkdocstrings reads itself), are left alone. Enabled in ``mkdocs.yml``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_FLAGS = re.compile(r"\s*#\s*doctest:.*$")
_LITERAL_MARKER = re.compile(r"(?<=\S)::$")
_MACHINERY = frozenset(
    {
        "__slots__",
        "__match_args__",
        "__attrs_pre_init__",
        "__attrs_post_init__",
        "__reduce__",
        "__reduce_ex__",
        "__getstate__",
        "__setstate__",
        "__init_subclass__",
    }
)


def readable(text: str) -> str:
    """``text`` with its doctests fenced as ``pycon`` code and its ``::`` literal markers as ``:``."""
    out: list[str] = []
    in_fence = in_example = False
    for line in text.splitlines():
        if in_example and not line.strip():
            out += ["```", line]
            in_example = False
            continue
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and not in_example and line.startswith(">>>"):
            out.append("```pycon")
            in_example = True
        if in_example:
            out.append(_FLAGS.sub("", line))
        else:
            out.append(line if in_fence else _LITERAL_MARKER.sub(":", line))
    if in_example:
        out.append("```")
    return "\n".join(out)


class CartnormDocstrings(griffe.Extension):
    """Make docstrings read as Markdown and hide machinery members (see the module's docstring)."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite ``obj``'s docstring, once the whole tree is loaded."""
        if obj.name in _MACHINERY:
            obj.public = False
        if obj.docstring is not None:
            obj.docstring.value = readable(obj.docstring.value)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """The top-level package gets no ``on_object`` call: rewrite its docstring here."""
        self.on_object(obj=pkg)
