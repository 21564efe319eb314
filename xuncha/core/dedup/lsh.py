"""LSH banding of MinHash signatures, and the stores that keep band hashes out of RAM.

Banding
-------
A signature of ``b * r`` values is cut into ``b`` bands of ``r`` rows; each band is hashed to one
signed 64-bit integer (salted with the band's number, so one column holds all bands). Two texts of
Jaccard similarity ``s`` share at least one band hash with probability ``P(s) = 1 - (1 - s**r)**b``,
an S-curve whose steepest point is near ``t = (1/b)**(1/r)``. The default, 32 bands x 4 rows over 128
permutations (t ~ 0.42), puts the curve's knee below the verification threshold (0.5) so that pairs at
or above it are almost never missed, at the price of more candidates to verify:

    s        0.2    0.3    0.4    0.5    0.6    0.7    0.8
    P(s)     0.050  0.229  0.564  0.873  0.988  1.000  1.000      (b=32, r=4, t ~ 0.42)
    P(s)     0.008  0.059  0.227  0.548  0.868  0.990  1.000      (b=25, r=5, t ~ 0.53)
    P(s)     0.001  0.015  0.083  0.282  0.633  0.928  0.998      (b=21, r=6, t ~ 0.60)

With the generated reports of ``bench/dedup.py`` reworded duplicates have Jaccard p10/p50/p90 of
0.53/0.72/0.88 to their original, so 32x4 misses almost none of them, while 25x5 or 21x6 would lose
a quarter to half of those between 0.5 and 0.6. The cost of the low knee is candidate traffic from
reports sharing stock phrases; ``DuplicateIndex.max_verify`` caps the signatures verified per report.

Candidates are then verified on their stored signatures (estimated Jaccard >= threshold), so the
S-curve only decides recall and how much verification work there is, never precision.

Stores
------
``BandStore`` is what the index needs from storage: one row per (report, band) and one record per
report (fingerprint key, group id, signature as 4 bytes per permutation). ``MemoryBandStore`` is for
tests; ``SQLiteBandStore`` keeps them on disk in two tables that have the shape of the Django models
that will replace it::

    dedup_band   (band_hash INTEGER, report_id INTEGER)            -- indexed on band_hash
    dedup_report (report_id INTEGER PRIMARY KEY, fingerprint INTEGER, group_id INTEGER, signature BLOB)

so that memory stays bounded whatever the number of reports: the index process holds one batch.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from .minhash import DEFAULT_NUM_PERM, Signatures, splitmix64
from .normalize import _fmix64

DEFAULT_BANDS = 32
DEFAULT_ROWS = 4
_BAND_SEED = 0x6C7368  # "lsh"

BandHashes = npt.NDArray[np.int64]


def candidate_probability(s: float, bands: int = DEFAULT_BANDS, rows: int = DEFAULT_ROWS) -> float:
    """The S-curve: probability that two texts of Jaccard ``s`` share at least one band."""
    return float(1.0 - (1.0 - s**rows) ** bands)


def s_curve_threshold(bands: int = DEFAULT_BANDS, rows: int = DEFAULT_ROWS) -> float:
    """The approximate similarity at which the S-curve rises, ``(1/b)**(1/r)``."""
    return float((1.0 / bands) ** (1.0 / rows))


class Banding:
    """Cuts signatures into ``bands`` x ``rows`` and hashes each band to a signed 64-bit integer."""

    def __init__(self, bands: int = DEFAULT_BANDS, rows: int = DEFAULT_ROWS, num_perm: int = DEFAULT_NUM_PERM) -> None:
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise ValueError(f"{bands} bands x {rows} rows do not fit in {num_perm} permutations")
        self.bands = bands
        self.rows = rows
        values = splitmix64(_BAND_SEED, bands * rows + bands)
        self._mult = np.array([v | 1 for v in values[:bands * rows]], dtype=np.uint64).reshape(bands, rows)
        self._salt = np.array(values[bands * rows:], dtype=np.uint64)

    def band_hashes(self, sigs: Signatures) -> BandHashes:
        """``(n, bands)`` int64 band hashes of ``(n, num_perm)`` signatures (a 1-d signature gives 1 row)."""
        sigs = np.atleast_2d(sigs)
        cut = sigs[:, :self.bands * self.rows].astype(np.uint64).reshape(sigs.shape[0], self.bands, self.rows)
        h = (cut * self._mult[None, :, :]).sum(axis=2, dtype=np.uint64)
        h += self._salt[None, :]
        return _fmix64(h).view(np.int64)


@runtime_checkable
class BandStore(Protocol):
    """Storage of band hashes and per-report records.

    ``candidates`` returns one id per shared band (an id sharing three bands appears three times), at
    most the ``max_bucket`` most recent ids of each band hash: a band hash shared by many reports comes
    from stock phrases (openings, closings) and would otherwise make every lookup grow with the store;
    a large group of true repeats is still found through its recent members.
    """

    def add(self, report_id: int, band_hashes: Sequence[int]) -> None: ...

    def candidates(self, band_hashes: Sequence[int]) -> list[int]: ...

    def add_many(self, report_ids: Sequence[int], band_hashes: BandHashes) -> None: ...

    def candidates_many(self, band_hashes: BandHashes) -> list[list[int]]: ...

    def put_reports(self, rows: Sequence[tuple[int, int, int, bytes]]) -> None:
        """(report_id, fingerprint key, group id, signature bytes) per report."""

    def get_reports(self, report_ids: Iterable[int]) -> dict[int, tuple[int, bytes]]:
        """report_id -> (group id, signature bytes) for those that exist."""

    def find_fingerprints(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """fingerprint key -> report ids with it."""

    def relabel_group(self, old: int, new: int) -> None: ...

    def groups(self) -> Iterator[tuple[int, int]]:
        """(report_id, group id) of every stored report, in report order."""

    def counts(self) -> tuple[int, int]:
        """(stored reports, stored band rows)."""

    def commit(self) -> None: ...


class MemoryBandStore:
    """Dict-backed store for tests and small sets (its memory grows with the reports)."""

    def __init__(self, *, max_bucket: int = 32) -> None:
        self.max_bucket = max_bucket
        self._bands: dict[int, list[int]] = {}
        self._reports: dict[int, tuple[int, int, bytes]] = {}
        self._fps: dict[int, list[int]] = {}
        self._rows = 0

    def add(self, report_id: int, band_hashes: Sequence[int]) -> None:
        for h in band_hashes:
            self._bands.setdefault(int(h), []).append(report_id)
            self._rows += 1

    def candidates(self, band_hashes: Sequence[int]) -> list[int]:
        out: list[int] = []
        for h in band_hashes:
            out.extend(self._bands.get(int(h), [])[-self.max_bucket:][::-1])
        return out

    def add_many(self, report_ids: Sequence[int], band_hashes: BandHashes) -> None:
        for rid, row in zip(report_ids, band_hashes.tolist(), strict=True):
            self.add(rid, row)

    def candidates_many(self, band_hashes: BandHashes) -> list[list[int]]:
        return [self.candidates(row) for row in band_hashes.tolist()]

    def put_reports(self, rows: Sequence[tuple[int, int, int, bytes]]) -> None:
        for rid, fp, group, sig in rows:
            self._reports[rid] = (fp, group, sig)
            self._fps.setdefault(fp, []).append(rid)

    def get_reports(self, report_ids: Iterable[int]) -> dict[int, tuple[int, bytes]]:
        return {rid: (rec[1], rec[2]) for rid in report_ids if (rec := self._reports.get(rid)) is not None}

    def find_fingerprints(self, keys: Iterable[int]) -> dict[int, list[int]]:
        return {k: list(self._fps[k]) for k in keys if k in self._fps}

    def relabel_group(self, old: int, new: int) -> None:
        for rid, (fp, group, sig) in self._reports.items():
            if group == old:
                self._reports[rid] = (fp, new, sig)

    def groups(self) -> Iterator[tuple[int, int]]:
        for rid in sorted(self._reports):
            yield rid, self._reports[rid][1]

    def counts(self) -> tuple[int, int]:
        return len(self._reports), self._rows

    def commit(self) -> None:
        pass


_BUCKET_SQL_CLUSTERED = (
    "SELECT h.value, (SELECT group_concat(report_id) FROM (SELECT report_id FROM dedup_band "
    "WHERE band_hash = h.value ORDER BY report_id DESC LIMIT :limit)) FROM json_each(:hashes) h")
_BUCKET_SQL_ROWID = _BUCKET_SQL_CLUSTERED.replace("ORDER BY report_id", "ORDER BY id")


class SQLiteBandStore:
    """Band hashes and signatures in SQLite (stdlib ``sqlite3``), standing in for the Django models.

    ``clustered=True`` (default) makes ``dedup_band`` a WITHOUT ROWID table keyed on
    ``(band_hash, report_id)``: the key *is* the band_hash index, so each row is written once (half the
    disk and insert work). ``clustered=False`` gives the exact shape Django creates for a model with
    ``band_hash = BigIntegerField(db_index=True)``: a rowid table plus a separate index.
    ``cache_mb`` bounds SQLite's page cache (part of the process's memory).
    """

    _IN_CHUNK = 4000

    def __init__(self, path: str | Path, *, clustered: bool = True, cache_mb: int = 64, max_bucket: int = 32) -> None:
        self.path = str(path)
        self.max_bucket = max_bucket
        # The most recent max_bucket ids of each band hash, scanned backwards on the index, in one statement
        # (json_each passes the hashes as one parameter; SQLite's JSON keeps 64-bit integers exact).
        self._bucket_sql = _BUCKET_SQL_CLUSTERED if clustered else _BUCKET_SQL_ROWID
        self.conn = sqlite3.connect(self.path)
        c = self.conn
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
        c.execute("PRAGMA temp_store=MEMORY")
        if clustered:
            c.execute("CREATE TABLE IF NOT EXISTS dedup_band (band_hash INTEGER NOT NULL, report_id INTEGER NOT NULL, "
                      "PRIMARY KEY (band_hash, report_id)) WITHOUT ROWID")
        else:
            c.execute("CREATE TABLE IF NOT EXISTS dedup_band (id INTEGER PRIMARY KEY, band_hash INTEGER NOT NULL, "
                      "report_id INTEGER NOT NULL)")
            c.execute("CREATE INDEX IF NOT EXISTS dedup_band_hash ON dedup_band (band_hash)")
        c.execute("CREATE TABLE IF NOT EXISTS dedup_report (report_id INTEGER PRIMARY KEY, fingerprint INTEGER NOT NULL, "
                  "group_id INTEGER NOT NULL, signature BLOB NOT NULL)")
        c.execute("CREATE INDEX IF NOT EXISTS dedup_report_fp ON dedup_report (fingerprint)")
        c.execute("CREATE INDEX IF NOT EXISTS dedup_report_group ON dedup_report (group_id)")
        c.commit()

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()

    def _in_query(self, sql: str, values: Sequence[int]) -> list[Any]:
        rows: list[Any] = []
        for i in range(0, len(values), self._IN_CHUNK):
            chunk = values[i:i + self._IN_CHUNK]
            rows.extend(self.conn.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall())
        return rows

    def add(self, report_id: int, band_hashes: Sequence[int]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO dedup_band (band_hash, report_id) VALUES (?, ?)",
                              [(int(h), report_id) for h in band_hashes])

    def _buckets(self, hashes: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for i in range(0, len(hashes), self._IN_CHUNK):
            params = {"limit": self.max_bucket, "hashes": json.dumps(hashes[i:i + self._IN_CHUNK])}
            for h, ids in self.conn.execute(self._bucket_sql, params):
                if ids:
                    found[h] = [int(x) for x in ids.split(",")]
        return found

    def candidates(self, band_hashes: Sequence[int]) -> list[int]:
        found = self._buckets(sorted({int(h) for h in band_hashes}))
        return [rid for ids in found.values() for rid in ids]

    def add_many(self, report_ids: Sequence[int], band_hashes: BandHashes) -> None:
        ids = np.repeat(np.asarray(report_ids, dtype=np.int64), band_hashes.shape[1])
        rows = np.stack([band_hashes.reshape(-1), ids], axis=1)
        rows = rows[np.argsort(rows[:, 0], kind="stable")]  # insert in key order: sequential B-tree writes
        self.conn.executemany("INSERT OR IGNORE INTO dedup_band (band_hash, report_id) VALUES (?, ?)", rows.tolist())

    def candidates_many(self, band_hashes: BandHashes) -> list[list[int]]:
        found = self._buckets(np.unique(band_hashes).tolist())
        if not found:
            return [[] for _ in range(band_hashes.shape[0])]
        out = []
        for row in band_hashes.tolist():
            ids: list[int] = []
            for h in row:
                hit = found.get(h)
                if hit:
                    ids.extend(hit)
            out.append(ids)
        return out

    def put_reports(self, rows: Sequence[tuple[int, int, int, bytes]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO dedup_report (report_id, fingerprint, group_id, signature) "
                              "VALUES (?, ?, ?, ?)", rows)

    def get_reports(self, report_ids: Iterable[int]) -> dict[int, tuple[int, bytes]]:
        ids = sorted(set(report_ids))
        sql = "SELECT report_id, group_id, signature FROM dedup_report WHERE report_id IN ({})"
        return {rid: (group, sig) for rid, group, sig in self._in_query(sql, ids)}

    def find_fingerprints(self, keys: Iterable[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        sql = "SELECT fingerprint, report_id FROM dedup_report WHERE fingerprint IN ({})"
        for fp, rid in self._in_query(sql, sorted(set(keys))):
            out.setdefault(fp, []).append(rid)
        return out

    def relabel_group(self, old: int, new: int) -> None:
        self.conn.execute("UPDATE dedup_report SET group_id = ? WHERE group_id = ?", (new, old))

    def groups(self) -> Iterator[tuple[int, int]]:
        cur = self.conn.execute("SELECT report_id, group_id FROM dedup_report ORDER BY report_id")
        while batch := cur.fetchmany(10000):
            yield from batch

    def counts(self) -> tuple[int, int]:
        reports = self.conn.execute("SELECT count(*) FROM dedup_report").fetchone()[0]
        bands = self.conn.execute("SELECT count(*) FROM dedup_band").fetchone()[0]
        return int(reports), int(bands)

    def commit(self) -> None:
        self.conn.commit()
