"""The one breadcrumb trail (xuncha/crumbs.py): root first, pairs, a view's list of pairs, the current page last,
names escaped; the three old markups are gone. The crawl (test_crawl.py) checks every page has exactly one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

ROOT = Path(__file__).resolve().parents[2]


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_a_trail_leads_from_the_root_to_the_current_page() -> None:
    html = render('{% breadcrumbs name "/i/1/" crumbs here %}', name="某巡察", here="<审计>", crumbs=[("研判工作台", "/q/?a=1&b=2")])
    assert html == ('<nav class="breadcrumbs" aria-label="当前位置"><ol><li><a href="/todo/">我的待办</a></li>'
                    '<li><a href="/i/1/">某巡察</a></li><li><a href="/q/?a=1&amp;b=2">研判工作台</a></li>'
                    '<li aria-current="page">&lt;审计&gt;</li></ol></nav>')


def test_a_missing_list_is_left_out_and_a_bare_label_is_the_root_s_child() -> None:
    html = render('{% breadcrumbs crumbs "提醒" %}')
    assert html.endswith('<li><a href="/todo/">我的待办</a></li><li aria-current="page">提醒</li></ol></nav>')


def test_an_odd_trail_is_a_template_error() -> None:
    with pytest.raises(TemplateSyntaxError):
        render('{% breadcrumbs "巡察任务" "/inspections/" "某巡察" "/i/1/" %}x')
    with pytest.raises(TemplateSyntaxError):
        render("{% breadcrumbs %}")


def test_one_markup_and_one_set_of_rules() -> None:
    css = (ROOT / "static/css/app.css").read_text()
    assert ".crumbs" not in css and css.count("nav.breadcrumbs {") == 1 and ".breadcrumbs ol" not in css.replace("nav.breadcrumbs ol", "")
    templates = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    old = [str(p) for p in templates if 'class="crumbs"' in p.read_text() or '<nav class="breadcrumbs"' in p.read_text()]
    assert old == []
