"""The kinds of background export. This app knows none of them: each domain app registers its own in its
AppConfig.ready() (dependencies point down, docs/architecture.md "钩子"):

    from xuncha.exports.registry import register
    register("rectification.ledger_xlsx", title="整改台账（Excel）", check=..., builder=...)

`check(params=, actor=)` decides whether the actor may have this export now (raising NotFound, Invalid or
NotAllowed as the domain's own reads do) and returns the job's title in Chinese ("整改台账（Excel）：某单位").
It runs when the job is started, when it is built and when its file is downloaded: the owner may have lost
the right in between.

`builder(params=, actor=, progress=, out=)` writes the file into `out` (a binary temporary file), calls
`progress(done, total)` as it goes (cheap to call often: the runner writes at most about once a second),
re-checks the actor itself (or calls `check`), and returns the download's name and content type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol

from xuncha.accounts.models import User
from xuncha.errors import NotFound

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Built:
    filename: str
    content_type: str


class Check(Protocol):
    def __call__(self, *, params: dict[str, Any], actor: User) -> str: ...


class Builder(Protocol):
    def __call__(self, *, params: dict[str, Any], actor: User, progress: Progress, out: IO[bytes]) -> Built: ...


@dataclass(frozen=True)
class ExportKind:
    code: str
    title: str
    check: Check
    builder: Builder


_kinds: dict[str, ExportKind] = {}


def register(code: str, *, title: str, check: Check, builder: Builder) -> None:
    """Register (or, on a second call with the same code, replace) one kind of export."""
    _kinds[code] = ExportKind(code=code, title=title, check=check, builder=builder)


def kind_get(code: str) -> ExportKind:
    """The registered kind; an unknown code is not found."""
    try:
        return _kinds[code]
    except KeyError:
        raise NotFound from None


def kind_title(code: str) -> str:
    """The kind's name in Chinese, or the code itself when no app registers it (any more)."""
    kind = _kinds.get(code)
    return kind.title if kind else code


def kinds() -> list[ExportKind]:
    return list(_kinds.values())
