"""Submit a form the way a browser would: collect the fields a rendered page shows, with their values."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__()
        self.form_id = form_id
        self.in_form = form_id is None
        self.depth = 0
        self.data: dict[str, list[str]] = {}
        self.textarea: str | None = None
        self.select: str | None = None
        self.option_value: str | None = None
        self.selected_seen: set[str] = set()
        self.first_option: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form" and self.form_id is not None and attrs.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            self.first_option.setdefault(self.select, value)
            if "selected" in attrs:
                self.data.setdefault(self.select, []).append(value)
                self.selected_seen.add(self.select)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            if self.select not in self.selected_seen and self.select in self.first_option:
                self.data.setdefault(self.select, []).append(self.first_option[self.select])
            self.select = None
        elif tag == "form" and self.form_id is not None:
            self.in_form = False

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea][-1] += data


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields of the page's forms (or of the form with `form_id`), as a browser would post them."""
    import html as html_lib

    reader = _FormReader(form_id)
    reader.feed(html)
    # Textareas start with a newline Django adds; values are HTML-unescaped by the parser already.
    return {k: [html_lib.unescape(v).lstrip("\n") for v in vs] for k, vs in reader.data.items()}
