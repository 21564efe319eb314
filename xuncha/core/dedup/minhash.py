"""MinHash signatures over character shingles, vectorised with numpy.

Permutation ``i`` is the multiply-add-shift hash ``h_i(x) = ((a_i * x + b_i) mod 2**64) >> 32`` of a
32-bit shingle hash ``x`` (Dietzfelbinger's scheme: a universal family for 32-bit keys that needs no
modulo, so numpy does it with wrapping uint64 arithmetic). The signature of a text is, for each
``i``, the minimum of ``h_i`` over its shingles; the fraction of equal positions between two
signatures estimates the Jaccard similarity of the shingle sets (standard error
``sqrt(J(1-J)/num_perm)``, 0.044 at J=0.5 with 128 permutations).

The ``a_i``/``b_i`` come from SplitMix64 on a fixed seed in pure Python, not from numpy's random
generators (whose streams may change between versions): a signature computed today equals one computed
in another process, on another machine or after an upgrade, so signatures can be stored.
``SCHEME`` names everything a stored signature depends on.

A whole batch is hashed at once: the shingles of up to ``block`` positions are multiplied against all
permutations in one ``(num_perm, shingles)`` uint64 array and reduced per text with
``np.minimum.reduceat``; the block (8 MB by default) is sized to stay in cache, about 25 us per
150-character text on one core.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .normalize import DEFAULT_K, shingle_hashes

DEFAULT_NUM_PERM = 128
DEFAULT_SEED = 0x78756E636861  # "xuncha"
_MASK64 = (1 << 64) - 1

Signatures = npt.NDArray[np.uint32]


def splitmix64(seed: int, count: int) -> list[int]:
    """``count`` 64-bit values of the SplitMix64 sequence started at ``seed`` (version-independent)."""
    out = []
    state = seed & _MASK64
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        out.append(z ^ (z >> 31))
    return out


class MinHasher:
    """Computes MinHash signatures (``num_perm`` uint32 values per text) of normalised texts."""

    def __init__(self, num_perm: int = DEFAULT_NUM_PERM, k: int = DEFAULT_K, seed: int = DEFAULT_SEED,
                 block: int = 8192) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        self.num_perm = num_perm
        self.k = k
        self.seed = seed
        self.block = block
        values = splitmix64(seed, 2 * num_perm)
        self._a = np.array([v | 1 for v in values[:num_perm]], dtype=np.uint64)  # odd multipliers
        self._b = np.array(values[num_perm:], dtype=np.uint64)
        self._buf = np.empty((num_perm, 0), dtype=np.uint64)

    @property
    def scheme(self) -> str:
        return f"xuncha-minhash-v1:k={self.k}:perm={self.num_perm}:seed={self.seed:#x}"

    def signatures(self, normalized: Sequence[str]) -> Signatures:
        """``(len(normalized), num_perm)`` uint32 signatures; every text must be non-empty."""
        n = len(normalized)
        out = np.empty((n, self.num_perm), dtype=np.uint32)
        if n == 0:
            return out
        hashes, offsets = shingle_hashes(normalized, self.k)
        i = 0
        while i < n:
            # The largest run of texts starting at i whose shingles fit in one block (at least one text).
            j = int(np.searchsorted(offsets, offsets[i] + self.block, side="right")) - 1
            j = min(max(j, i + 1), n)
            lo, hi = int(offsets[i]), int(offsets[j])
            m = hi - lo
            if self._buf.shape[1] < m:
                self._buf = np.empty((self.num_perm, max(m, self.block)), dtype=np.uint64)
            buf = self._buf[:, :m]
            # (permutations, shingles): each text's shingles are a contiguous run of every row, which
            # makes reduceat several times faster than the transposed layout.
            np.multiply(self._a[:, None], hashes[None, lo:hi].astype(np.uint64), out=buf)
            buf += self._b[:, None]
            # The high half of the minimum is the minimum of the high halves: shift after reducing.
            mins = np.minimum.reduceat(buf, offsets[i:j] - lo, axis=1)
            out[i:j] = (mins >> np.uint64(32)).T
            i = j
        return out

    def signature(self, normalized: str) -> Signatures:
        """The signature of one normalised text, shape ``(num_perm,)``."""
        sig: Signatures = self.signatures([normalized])[0]
        return sig


def jaccard(a: Signatures, b: Signatures) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / int(a.shape[-1])


def jaccard_many(sig: Signatures, others: Signatures) -> npt.NDArray[np.float64]:
    """Estimated Jaccard of ``sig`` against each row of ``others``."""
    if others.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    shares: npt.NDArray[np.float64] = np.count_nonzero(others == sig[None, :], axis=1) / sig.shape[-1]
    return shares


def to_bytes(sig: Signatures) -> bytes:
    """Compact storage form: little-endian uint32, 4 bytes per permutation."""
    return np.ascontiguousarray(sig, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> Signatures:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
