"""Text normalisation, character shingles and the exact-repeat fingerprint for Chinese reports.

``normalize`` makes two texts that a reader would call "the same words" equal:

1. NFKC: full-width latin, digits and punctuation become half-width (``ＡＢＣ１２３，`` -> ``ABC123,``),
   the ideographic space becomes a space, compatibility forms are folded;
2. traditional -> simplified Chinese with OpenCC's ``t2s`` (phrase-aware: ``乾隆`` stays, ``乾净`` -> ``干净``);
3. latin lower-cased;
4. everything that is not a letter or a digit (punctuation, symbols, whitespace, ``_``) dropped.

Shingles are the overlapping ``k``-character windows of the normalised text (k=3 by default); a text
shorter than ``k`` is one shingle. ``shingle_hashes`` turns them into 32-bit integers with a vectorised
polynomial hash plus a 64-bit finaliser over the code points, so the values depend on nothing but the
text (no ``PYTHONHASHSEED``, no library version): they can be stored and recomputed in any process.

``fingerprint`` is the SM3 digest (GM/T 0004) of the UTF-8 normalised text: equal fingerprints mean an
exact repeat up to punctuation, whitespace, width, script and case.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

DEFAULT_K = 3
_RECORD_SEP = "\x1e"  # never survives normalisation, so it can separate texts in one OpenCC call
_NON_WORD = re.compile(r"[\W_]+")
# Full-width ASCII variants and the ideographic space: the part of NFKC that Chinese text needs almost
# always, done by a fast table; full NFKC (slow on CJK, ~35 us per report) runs only when still needed.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}, "\u3000": " "}

# Per-offset multipliers of the shingle hash (odd 64-bit constants, fixed forever: changing them
# changes every stored signature).
_SHINGLE_MULTIPLIERS = (
    0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9,
)
MAX_K = len(_SHINGLE_MULTIPLIERS)

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def _nfkc(text: str) -> str:
    text = _FULL_WIDTH.sub(lambda m: _HALF_WIDTH[m.group()], text)  # str.translate is ~5x slower on CJK
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _clean(text: str) -> str:
    return _NON_WORD.sub("", text).lower()


def normalize(text: str) -> str:
    """The comparable form of one report text (see the module docstring)."""
    return _clean(_t2s().convert(_nfkc(text)))


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``normalize`` for a batch, with one OpenCC call for all texts (about 1.5x faster)."""
    if not texts:
        return []
    joined = _RECORD_SEP.join(_nfkc(t).replace(_RECORD_SEP, " ") for t in texts)
    parts = _t2s().convert(joined).split(_RECORD_SEP)
    if len(parts) != len(texts):  # defensive: OpenCC should never touch the separator
        return [normalize(t) for t in texts]
    return [_clean(p) for p in parts]


def fingerprint(normalized: str) -> bytes:
    """SM3 digest (32 bytes) of an already normalised text; sha256 where OpenSSL lacks SM3."""
    data = normalized.encode("utf-8")
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:  # pragma: no cover - OpenSSL builds without SM3
        return hashlib.sha256(data).digest()


def fingerprint_key(digest: bytes) -> int:
    """The first 8 bytes of a fingerprint as a signed 64-bit int (an SQL INTEGER column)."""
    return int.from_bytes(digest[:8], "big", signed=True)


def shingles(normalized: str, k: int = DEFAULT_K) -> set[str]:
    """The set of k-character shingles (readable form, for tests and exact Jaccard)."""
    if len(normalized) <= k:
        return {normalized} if normalized else set()
    return {normalized[i:i + k] for i in range(len(normalized) - k + 1)}


def _fmix64(h: U64) -> U64:
    """MurmurHash3's 64-bit finaliser, in place."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def shingle_hashes(normalized: Sequence[str], k: int = DEFAULT_K) -> tuple[U32, npt.NDArray[np.int64]]:
    """32-bit hashes of the k-shingles of many normalised texts at once.

    Returns ``(hashes, offsets)``: the shingles of text ``i`` are ``hashes[offsets[i]:offsets[i+1]]``
    (``offsets`` has ``len(normalized) + 1`` entries). Every text must be non-empty; a text shorter
    than ``k`` is padded with NUL to one shingle. Duplicate shingles are kept (a minimum ignores them).
    """
    if not 1 <= k <= MAX_K:
        raise ValueError(f"k must be between 1 and {MAX_K}")
    if not all(normalized):
        raise ValueError("empty text has no shingles")
    texts = [t if len(t) >= k else t.ljust(k, "\x00") for t in normalized]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    total = codes.shape[0]
    n_pos = total - k + 1
    h = codes[:n_pos] * np.uint64(_SHINGLE_MULTIPLIERS[0])
    for j in range(1, k):
        h += codes[j:j + n_pos] * np.uint64(_SHINGLE_MULTIPLIERS[j])
    h = _fmix64(h)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    # A window is valid when it lies inside one text: position p of a text that ends at e needs p + k <= e.
    ends = np.repeat(starts[1:], lengths)[:n_pos]
    valid = np.arange(n_pos, dtype=np.int64) + k <= ends
    hashes = (h[valid] >> np.uint64(32)).astype(np.uint32)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths - k + 1, out=offsets[1:])
    return hashes, offsets
