"""A small, safe markup for the administrator's information pages and FAQ answers.

Everything is escaped first; then only these constructions become HTML:

- a blank line separates paragraphs; a single newline is a line break;
- ``## Title`` and ``### Title`` on their own line: headings (levels 2 and 3);
- lines starting with ``- ``: a bulleted list;
- ``**bold**``;
- ``[text](https://…)``, ``[text](mailto:…)`` or ``[text](/path)``: a link (no other scheme).

No attribute, tag or script written by the author can reach the page.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https://|mailto:|/(?!/))[^\s()\"'<>]*)\)")


def _inline(text: str) -> str:
    html = escape(text)
    html = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', html)
    return _BOLD.sub(r"<strong>\1</strong>", html)


def render(text: str) -> SafeString:
    """The HTML of ``text`` written in the small markup above."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    out = []
    for block in blocks:
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("### "):
            out.append(f"<h3>{_inline(lines[0][4:].strip())}</h3>")
        elif len(lines) == 1 and lines[0].startswith("## "):
            out.append(f"<h2>{_inline(lines[0][3:].strip())}</h2>")
        elif all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip()[2:].strip())}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(out))  # noqa: S308 - every piece of author text went through escape()


def plain(text: str) -> str:
    """The text without markup (for summaries and PDF footnotes)."""
    text = _LINK.sub(lambda m: m.group(1), text or "")
    text = re.sub(r"^#{2,3} ", "", text, flags=re.MULTILINE)
    return text.replace("**", "")
