"""A few helpers to write SVG by hand, escaping every attribute value and every text."""

from __future__ import annotations

from html import escape


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def attrs(**values: object) -> str:
    """``class_="x", stroke_width=2`` -> ``class="x" stroke-width="2"``; None is left out."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        key = name.rstrip("_").replace("_", "-")
        parts.append(f'{key}="{escape(_value(value), quote=True)}"')
    return " ".join(parts)


def tag(name: str, *children: str, **values: object) -> str:
    """An element whose children are already SVG (use :func:`text` for text)."""
    opening = f"<{name} {attrs(**values)}" if values else f"<{name}"
    if not children:
        return opening + "/>"
    return opening + ">" + "".join(children) + f"</{name}>"


def text(content: str, **values: object) -> str:
    """A ``<text>`` element with escaped content."""
    return tag("text", escape(content, quote=False), **values)


def title(content: str) -> str:
    return f"<title>{escape(content, quote=False)}</title>"
