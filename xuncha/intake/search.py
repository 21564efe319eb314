"""Full-text search over reports with a CJK bigram index, on SQLite (FTS5) and PostgreSQL (GIN).

The index (ReportSearch, table triage_reportsearch) is written in the transaction that registers or
changes a report; the queue (triage) and the report list (intake) filter with search_filter."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from xuncha.core import cjk

from .attachments import stored_text
from .models import Report, ReportSearch


def report_document(report: Report) -> str:
    parts = [report.content]
    parts.extend(f"{s.name} {s.post}" for s in report.subjects.all())
    parts.extend(a.content for a in report.additions.all())
    # The text read off its attachments (OCR, text layers): a letter is found by a word of its scan. Not the
    # text of one marked as showing the reporter's identity: no one finds a report by its reporter's name.
    parts.extend(stored_text(a) for a in report.attachments.exclude(text_sealed="").filter(contains_identity=False))
    return "\n".join(p for p in parts if p)


def index_report(report: Report) -> None:
    """(Re)index one report; call inside the transaction that changed it."""
    ReportSearch.objects.update_or_create(report=report, defaults={"tokens": cjk.index_text(report_document(report))})


def index_new_report(report: Report, content: str, subjects: list[tuple[str, str]]) -> None:
    """Index a report just created, from what was registered (no re-read, a plain insert)."""
    document = "\n".join([content, *(f"{name} {post}" for name, post in subjects)])
    ReportSearch.objects.create(report=report, tokens=cjk.index_text(document))


def _matching_ids_sql(terms: list[str]) -> tuple[str, list[str]]:
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{t}"' for t in terms)
        return "SELECT rowid FROM triage_reportsearch_fts WHERE triage_reportsearch_fts MATCH %s", [match]
    query = " & ".join(terms)
    # `tsv` is the stored to_tsvector('simple', tokens) (migration intake 0007), GIN-indexed.
    return "SELECT report_id FROM triage_reportsearch WHERE tsv @@ to_tsquery('simple', %s)", [query]


def search_filter(qs: QuerySet[Report], query: str) -> QuerySet[Report]:
    """Restrict a Report queryset to the reports matching every word of `query`."""
    query = query.strip()
    if not query:
        return qs
    if cjk.is_single_han(query):
        # One character cannot use the bigram index: a substring scan within the (already filtered) set.
        char = cjk.normalise(query)
        return qs.filter(Q(content__contains=char) | Q(subjects__name__contains=char)).distinct()
    terms = cjk.query_tokens(query)
    if not terms:
        return qs.none()
    sql, params = _matching_ids_sql(terms)
    # The SQL is fixed text; the query terms are passed as parameters.
    return qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611
