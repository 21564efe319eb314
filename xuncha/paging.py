"""Pagination that stays fast at millions of rows: no full COUNT(*), one extra row to know if there
is a next page, and a total counted only up to a cap ("10000+") — or, with `count=False`, not counted
at all unless the page shows it is the last one: a page of size + 1 rows says "more than N", and the
capped count is a separate request the user asks for after the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

COUNT_CAP = 10_000


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    has_next: bool
    count: int          # exact when not capped, else a lower bound (COUNT_CAP, or the rows up to this page)
    capped: bool        # more than `count` rows match
    counted: bool = True  # False: no count query was run (count=False and a next page exists)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    def __iter__(self) -> Any:
        return iter(self.items)


def page_number(value: Any) -> int:
    try:
        return max(1, min(int(value), 100_000))
    except (TypeError, ValueError):
        return 1


def paginate(qs: QuerySet[Any], number: Any, size: int = 50, *, cap: int | None = None, count: bool = True,
             wide: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None) -> Page:
    """One page of `qs`. `count=False`: no count query unless needed (see the module). `wide`: a deferred
    join — the page's keys are found first on the narrow ordered query (an index scan whatever the offset),
    then `wide` (joins, prefetches) is applied to those rows only."""
    cap = COUNT_CAP if cap is None else cap
    n = page_number(number)
    offset = (n - 1) * size
    if wide is None:
        rows = list(qs[offset:offset + size + 1])
    else:
        keys = list(qs.values_list("pk", flat=True)[offset:offset + size + 1])
        found = {row.pk: row for row in wide(qs.model._default_manager.filter(pk__in=keys))} if keys else {}
        rows = [found[k] for k in keys if k in found]
    if not count and (rows or n == 1):
        # The page itself tells: the last page gives the exact total, a full one "more than offset + size".
        has_next = len(rows) > size
        seen = offset + min(len(rows), size)
        return Page(items=rows[:size], number=n, size=size, has_next=has_next, count=seen, capped=has_next,
                    counted=not has_next)
    # Counting stops at cap + 1 rows: a bounded scan whatever the table size.
    counted = qs.order_by().values("pk")[:cap + 1].count()
    return Page(items=rows[:size], number=n, size=size, has_next=len(rows) > size, count=min(counted, cap),
                capped=counted > cap)
