"""Test helper: the data a browser would submit for a form of a rendered page.

Submitting what the page really renders (a <select> sends its first option when nothing is chosen,
unchecked boxes send nothing, hidden inputs such as a formset's management form are sent) catches
forms that only work with hand-made POST data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def data(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The submitted data with `overrides` applied (a value of None removes the field)."""
        result: dict[str, Any] = {}
        for name, value in self.fields:
            if name in result:
                existing = result[name]
                result[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                result[name] = value
        for name, value in (overrides or {}).items():
            if value is None:
                result.pop(name, None)
            else:
                result[name] = value
        return result


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._option_selected = False
        self._option_value: str | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            self._form.names.add(name)
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
                return
            self._form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._form.names.add(name)
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = []
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
        elif tag == "textarea" and name:
            self._form.names.add(name)
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option.append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value = self._option_value if self._option_value is not None else "".join(self._option).strip()
            self._select[1].append((value, self._option_selected))
        self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None and self._form is not None:
            self._close_option()
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self._form.fields.extend((name, v) for v in chosen[:1])
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def html_forms(content: bytes | str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return parser.forms


def post_form(response: Any, *, having: str | None = None, index: int = 0) -> HtmlForm:
    """The `index`-th POST form of a response (the logout button excepted), or the first one with a
    field named `having`."""
    forms = [f for f in html_forms(response.content) if f.method == "post" and not f.action.endswith("/accounts/logout/")]
    if having is not None:
        forms = [f for f in forms if having in f.names]
        if not forms:
            raise AssertionError(f"no form with a field {having!r}")
        return forms[0]
    return forms[index]
