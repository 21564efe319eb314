"""我的待办 API: the caller's to-do lines (the same as the page /todo/)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from xuncha.accounts.models import User
from xuncha.todo.selectors import todo_lines

router = Router(tags=["我的待办"])


class TodoLineOut(Schema):
    kind: str
    title: str
    count: int
    url: str
    oldest_at: dt.datetime | None


@router.get("/me/todo", response=list[TodoLineOut])
def my_todo(request: HttpRequest) -> list[dict[str, object]]:
    lines = todo_lines(user=cast(User, request.user))
    return [{"kind": x.kind, "title": x.title, "count": x.count, "url": x.url, "oldest_at": x.oldest_at} for x in lines]
