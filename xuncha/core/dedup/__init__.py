"""Near-duplicate and exact-repeat grouping of reports (重复件), pure Python + numpy, no Django.

    store = SQLiteBandStore("var/dedup.sqlite3")           # or the Django-backed store, same protocol
    index = DuplicateIndex(store)
    match = index.add(report.id, report.content)           # None: a new matter
    if match:                                               # put the report in match.group_id
        ...                                                 # and relabel match.merged groups into it

Pipeline per report: ``normalize`` (width, script, case, punctuation) -> SM3 fingerprint of the
normalised text (exact repeats) and 3-character shingles -> 128-permutation MinHash signature ->
32 band hashes (LSH) -> candidates = stored reports sharing a band hash -> verified by the estimated
Jaccard of their stored signatures (>= ``threshold``) -> union-find grouping.

Groups have union-find semantics with the earliest report as representative: a group's id is the
smallest report id in it (report ids are assigned in arrival order). A new report that matches
reports of several groups joins them into one; ``Match.merged`` lists the group ids that were folded
into ``Match.group_id`` so the caller can relabel its own rows.

Memory is bounded: the index object keeps the hash constants and one batch; every per-report datum
(band rows, signature, fingerprint, group) lives in the ``BandStore``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from .lsh import (
    DEFAULT_BANDS,
    DEFAULT_ROWS,
    Banding,
    BandStore,
    MemoryBandStore,
    SQLiteBandStore,
    candidate_probability,
    s_curve_threshold,
)
from .minhash import DEFAULT_NUM_PERM, MinHasher, from_bytes, jaccard, jaccard_many, to_bytes
from .normalize import DEFAULT_K, fingerprint, fingerprint_key, normalize, normalize_many, shingles

__all__ = [
    "DEFAULT_BANDS", "DEFAULT_K", "DEFAULT_NUM_PERM", "DEFAULT_ROWS", "DEFAULT_THRESHOLD",
    "BandStore", "Banding", "DuplicateIndex", "Match", "MemoryBandStore", "MinHasher", "SQLiteBandStore",
    "candidate_probability", "fingerprint", "fingerprint_key", "from_bytes", "jaccard", "jaccard_many",
    "normalize", "normalize_many", "s_curve_threshold", "shingles", "to_bytes",
]

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Match:
    """The best existing report a new report duplicates."""

    report_id: int                 # the existing report matched best (exact repeats first, then similarity)
    group_id: int                  # the group the new report now belongs to (its earliest report's id)
    similarity: float              # estimated Jaccard of the shingle sets (1.0 for an exact repeat)
    exact: bool                    # same text after normalisation
    merged: tuple[int, ...] = ()   # group ids folded into group_id because the new report linked them


class _Aliases:
    """Group relabellings made within one batch (old group id -> new), resolved transitively."""

    def __init__(self) -> None:
        self._to: dict[int, int] = {}

    def find(self, group: int) -> int:
        while group in self._to:
            group = self._to[group]
        return group

    def relabel(self, old: int, new: int) -> None:
        self._to[old] = new


class DuplicateIndex:
    """Finds, for each new report, the best earlier near-duplicate or exact repeat, and groups them."""

    def __init__(self, store: BandStore, *, hasher: MinHasher | None = None, banding: Banding | None = None,
                 threshold: float = DEFAULT_THRESHOLD, max_verify: int = 64, batch_size: int = 1024,
                 merge_threshold: float = 0.7) -> None:
        self.store = store
        self.hasher = hasher or MinHasher()
        self.banding = banding or Banding(num_perm=self.hasher.num_perm)
        self.threshold = threshold
        self.merge_threshold = max(merge_threshold, threshold)
        self.max_verify = max_verify
        self.batch_size = batch_size

    def add(self, report_id: int, text: str) -> Match | None:
        """Index one report; returns its best match among the reports already indexed, or None."""
        return self._batch([report_id], [text])[0]

    def group_all(self, items: Iterable[tuple[int, str]]) -> Iterator[tuple[int, Match | None]]:
        """Index many reports in ``batch_size`` batches (streaming), yielding ``(report_id, match)``.

        Equivalent to calling ``add`` for each item in order, only faster. Groups yielded early may be
        merged later; read the final grouping with ``groups()``.
        """
        it = iter(items)
        while batch := list(islice(it, self.batch_size)):
            ids = [rid for rid, _ in batch]
            yield from zip(ids, self._batch(ids, [text for _, text in batch]), strict=True)

    def groups(self) -> Iterator[tuple[int, int]]:
        """(report_id, group id) of every indexed report."""
        return self.store.groups()

    def _batch(self, ids: Sequence[int], texts: Sequence[str]) -> list[Match | None]:
        norms = normalize_many(texts)
        kept = [i for i, n in enumerate(norms) if n]  # a text of nothing but punctuation is not indexed
        results: list[Match | None] = [None] * len(ids)
        if not kept:
            return results
        kept_ids = [ids[i] for i in kept]
        sigs = self.hasher.signatures([norms[i] for i in kept])
        bands = self.banding.band_hashes(sigs)
        fps = [fingerprint_key(fingerprint(norms[i])) for i in kept]
        band_lists = bands.tolist()

        # Stored candidates of the whole batch, ranked by shared bands; fetch the signatures to verify once.
        stored_fp = self.store.find_fingerprints(fps)
        ranked: list[list[int]] = []
        for row, cands in enumerate(self.store.candidates_many(bands)):
            top = [rid for rid, _ in Counter(cands).most_common(self.max_verify)]
            top.extend(rid for rid in stored_fp.get(fps[row], ()) if rid not in top)
            ranked.append(top)
        records = self.store.get_reports({rid for top in ranked for rid in top})

        aliases = _Aliases()
        local_bands: dict[int, list[int]] = {}  # band hash -> rows of this batch already processed
        local_fp: dict[int, list[int]] = {}
        groups: list[int] = []
        for row, rid in enumerate(kept_ids):
            sig = sigs[row]
            found: list[tuple[bool, float, int, int]] = []  # (exact, similarity, report id, group)
            stored = [c for c in ranked[row] if c in records and c != rid]
            if stored:
                sims = jaccard_many(sig, from_bytes(b"".join(records[c][1] for c in stored)).reshape(len(stored), -1))
                exact_ids = set(stored_fp.get(fps[row], ()))
                for c, s in zip(stored, sims.tolist(), strict=True):
                    exact = c in exact_ids and s == 1.0
                    if exact or s >= self.threshold:
                        found.append((exact, s, c, aliases.find(records[c][0])))
            local = Counter(r for h in band_lists[row] for r in local_bands.get(h, ()))
            if local:
                rows = [r for r, _ in local.most_common(self.max_verify)]
                sims = jaccard_many(sig, sigs[rows])
                same_fp = set(local_fp.get(fps[row], ()))
                for r, s in zip(rows, sims.tolist(), strict=True):
                    exact = r in same_fp and s == 1.0
                    if exact or s >= self.threshold:
                        found.append((exact, s, kept_ids[r], aliases.find(groups[r])))
            group = rid
            if found:
                # Join the best match's group; fold other groups in only on a strong link, so that a
                # chain of borderline links cannot glue unrelated reports into one huge group.
                exact, sim, best, best_group = max(found, key=lambda f: (f[0], f[1], -f[2]))
                linked = {best_group} | {g for ex, s, _, g in found if ex or s >= self.merge_threshold}
                group = min(linked)
                merged = tuple(sorted(linked - {group}))
                for g in merged:
                    self.store.relabel_group(g, group)
                    aliases.relabel(g, group)
                results[kept[row]] = Match(report_id=best, group_id=group, similarity=1.0 if exact else sim,
                                           exact=exact, merged=merged)
            groups.append(group)
            for h in band_lists[row]:
                local_bands.setdefault(h, []).append(row)
            local_fp.setdefault(fps[row], []).append(row)

        self.store.add_many(kept_ids, bands)
        self.store.put_reports([(rid, fp, aliases.find(g), to_bytes(sigs[row]))
                                for row, (rid, fp, g) in enumerate(zip(kept_ids, fps, groups, strict=True))])
        self.store.commit()
        return results
