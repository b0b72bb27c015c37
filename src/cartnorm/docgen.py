"""
Documentation generated from data: status mapping tables rendered to Markdown.

Generated text sits in Markdown files between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->`` markers, so the prose around it stays hand-written.
`update_region` replaces one region; tests regenerate every region in memory and fail
when a committed file has drifted from the code.
"""

from __future__ import annotations

import re

from .adapter import StatusTable

__all__ = ["render_status_table", "update_region"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_status_table(table: StatusTable) -> str:
    """
    Render every row of ``table`` as a Markdown table, in the table's own order.

    The last row states what happens to values the vendor does not document.
    """
    header = [*(f"`{axis}`" for axis in table.axes), "Trackstar `status`", "why"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    for key, decision in table.rows.items():
        cells = [*(f"`{value}`" for value in key), f"`{decision.status.value}`", _cell(decision.reason)]
        lines.append("| " + " | ".join(cells) + " |")
    anything = ["*any other value*"] * len(table.axes)
    lines.append("| " + " | ".join([*anything, "`other`", _cell(table.unknown_reason)]) + " |")
    return "\n".join(lines) + "\n"


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- BEGIN GENERATED: {name} -->", f"<!-- END GENERATED: {name} -->"


def update_region(text: str, name: str, content: str) -> str:
    """
    Return ``text`` with the generated region ``name`` replaced by ``content``.

    Raises `ValueError` when the markers are missing or appear more than once.
    """
    begin, end = _markers(name)
    pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.DOTALL)
    if len(pattern.findall(text)) != 1:
        msg = f"expected exactly one generated region {name!r} ({begin} … {end})"
        raise ValueError(msg)
    body = content if content.endswith("\n") else content + "\n"
    return pattern.sub(lambda _: f"{begin}\n{body}{end}", text)
