"""The LSH band store of xuncha.core.dedup on Django models, one inspection at a time.

Band hashes live in `DedupBand` (32 rows per report, indexed on inspection + band hash); signature,
fingerprint and group of each report live on its `Triage` row. Nothing is held in memory between
reports, so the index scales with the database, not with the process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection

from xuncha.core.dedup import BandStore

from .models import DedupBand, Triage

# Fixed SQL text; the hashes, inspection and bucket size are parameters.
_PG_BUCKETS = (
    "SELECT h.band_hash, b.report_id FROM unnest(%s::bigint[]) AS h(band_hash) CROSS JOIN LATERAL ("
    " SELECT report_id FROM triage_dedupband WHERE inspection_id = %s AND band_hash = h.band_hash"
    " ORDER BY report_id DESC LIMIT %s) AS b ORDER BY 1, 2 DESC")
_SQLITE_BUCKETS = (
    "SELECT h.value, b.report_id FROM json_each(%s) AS h JOIN triage_dedupband AS b"
    " ON b.rowid IN (SELECT rowid FROM triage_dedupband WHERE inspection_id = %s AND band_hash = h.value"
    " ORDER BY report_id DESC LIMIT %s) ORDER BY 1, 2 DESC")


class DjangoBandStore:
    """BandStore over DedupBand and Triage, restricted to one inspection's reports."""

    _CHUNK = 900  # bound on IN-list size for the signature and fingerprint reads

    def __init__(self, inspection_id: int, *, max_bucket: int = 32) -> None:
        self.inspection_id = inspection_id
        self.max_bucket = max_bucket

    def _bands(self) -> Any:
        return DedupBand.objects.filter(inspection_id=self.inspection_id)

    def _triage(self) -> Any:
        return Triage.objects.filter(inspection_id=self.inspection_id)

    def add(self, report_id: int, band_hashes: Sequence[int]) -> None:
        self.add_many([report_id], [list(band_hashes)])

    def add_many(self, report_ids: Sequence[int], band_hashes: Any) -> None:
        rows = [DedupBand(inspection_id=self.inspection_id, band_hash=int(h), report_id=rid)
                for rid, hashes in zip(report_ids, band_hashes, strict=True) for h in set(hashes)]
        DedupBand.objects.bulk_create(rows, batch_size=2000)

    def _buckets(self, hashes: list[int]) -> dict[int, list[int]]:
        """The most recent max_bucket report ids of each band hash: one bounded backward index scan per
        hash (the index is inspection, band_hash, report), whatever the size of stock-phrase buckets."""
        found: dict[int, list[int]] = {}
        if not hashes:
            return found
        params: list[Any]
        if connection.vendor == "postgresql":
            sql, params = _PG_BUCKETS, [hashes, self.inspection_id, self.max_bucket]
        else:
            sql, params = _SQLITE_BUCKETS, [json.dumps(hashes), self.inspection_id, self.max_bucket]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            for h, rid in cur.fetchall():
                found.setdefault(int(h), []).append(int(rid))
        return found

    def candidates(self, band_hashes: Sequence[int]) -> list[int]:
        found = self._buckets(sorted({int(h) for h in band_hashes}))
        return [rid for ids in found.values() for rid in ids]

    def candidates_many(self, band_hashes: Any) -> list[list[int]]:
        rows = [[int(h) for h in row] for row in band_hashes]
        found = self._buckets(sorted({h for row in rows for h in row}))
        return [[rid for h in row for rid in found.get(h, ())] for row in rows]

    def put_reports(self, rows: Sequence[tuple[int, int, int, bytes]]) -> None:
        for rid, fp, group, sig in rows:
            Triage.objects.filter(pk=rid).update(fingerprint=fp, group_key=group, signature=sig)

    def get_reports(self, report_ids: Iterable[int]) -> dict[int, tuple[int, bytes]]:
        ids = sorted(set(report_ids))
        out: dict[int, tuple[int, bytes]] = {}
        for i in range(0, len(ids), self._CHUNK):
            for rid, group, sig in (self._triage().filter(pk__in=ids[i:i + self._CHUNK], signature__isnull=False)
                                    .values_list("pk", "group_key", "signature")):
                out[rid] = (group, bytes(sig))
        return out

    def find_fingerprints(self, keys: Iterable[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for fp, rid in self._triage().filter(fingerprint__in=sorted(set(keys))).values_list("fingerprint", "pk"):
            out.setdefault(fp, []).append(rid)
        return out

    def relabel_group(self, old: int, new: int) -> None:
        self._triage().filter(group_key=old).update(group_key=new)

    def groups(self) -> Iterator[tuple[int, int]]:
        return iter(self._triage().filter(group_key__isnull=False).order_by("pk").values_list("pk", "group_key").iterator())

    def counts(self) -> tuple[int, int]:
        return self._triage().filter(signature__isnull=False).count(), self._bands().count()

    def commit(self) -> None:
        """Writes belong to the caller's transaction."""


def _check_protocol(store: DjangoBandStore) -> BandStore:
    return store
