"""The one breadcrumb trail of every signed-in page (a template builtin, see settings.TEMPLATES).

``{% breadcrumbs "研判工作台" queue_url report.reference %}`` renders
``<nav class="breadcrumbs" aria-label="当前位置"><ol><li><a href="/">我的待办</a></li> … <li aria-current="page">…</li></ol></nav>``:
the root 我的待办 first, then label/url pairs, then the current page's label. A list of (label, url) pairs (a
view's ``crumbs``) may stand for any number of pairs; a pair whose url is empty is shown as plain text.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

ROOT = "我的待办"


def trail(*parts: Any) -> list[tuple[str, str]]:
    """The (label, url) pairs of the parts, the root first; the last pair is the current page (url '')."""
    if not parts:
        raise template.TemplateSyntaxError("breadcrumbs: the current page's label is missing")
    flat: list[Any] = []
    *before, last = parts
    for part in [p for p in before if p not in (None, "")] + [last]:
        if isinstance(part, (list, tuple)):
            for pair in part:
                flat.extend(pair)
        else:
            flat.append(part)
    *pairs, here = flat
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumbs: labels and urls must come in pairs before the current page")
    steps = [(ROOT, reverse("todo:index"))]
    steps += [(str(pairs[i]), str(pairs[i + 1] or "")) for i in range(0, len(pairs), 2)]
    return [*steps, (str(here), "")]


@register.simple_tag
def breadcrumbs(*parts: Any) -> SafeString:
    *steps, (here, _) = trail(*parts)
    items = format_html_join("", "<li>{}</li>", ((format_html('<a href="{}">{}</a>', url, label) if url else label,)
                                                 for label, url in steps))
    return format_html('<nav class="breadcrumbs" aria-label="当前位置"><ol>{}<li aria-current="page">{}</li></ol></nav>',
                       items, here)
