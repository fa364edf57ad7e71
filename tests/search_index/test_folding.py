"""Folding: the per-character fast path gives what whole-text NFKC gives."""

import random

import pytest

from search_index import folding
from search_index.folding import normalize, normalize_exactly

CASES = [
    "鏡架 附著力 ＴＲ９０钛合金β钛镜腿",
    "Ｐｒｏｇｒｅｓｓｉｖｅ，Lenses：",
    "ﬁne ㎜ coatings",  # folds to more characters: offsets map back
    "ΟΔΟΣ ΣΑΣ",  # final sigma depends on the neighbour
    "İstanbul",
    "e\u0301 café",  # composition with a combining mark
    "한국 ㄱㅏ",  # jamo compose
    "𝐀bc 𝟗",  # beyond the Basic Multilingual Plane
    "",
]


@pytest.mark.parametrize("text", CASES)
def test_fast_path_equals_the_exact_one(text):
    assert normalize(text) == normalize_exactly(text)


def test_offsets_map_back_when_the_length_changes():
    folded, origin = normalize("ﬁne")
    assert folded == "fine" and origin == [0, 0, 1, 2]


def test_random_text_from_the_fast_blocks_and_beyond():
    r = random.Random(7)
    pool = [chr(cp) for lo, hi in folding.FAST_BLOCKS for cp in range(lo, hi + 1)]
    pool += list("é한ㄱㅏ\u0301İﬁ㎜𝐀Σς\u1100\u1161")
    for _ in range(5000):
        text = "".join(r.choice(pool) for _ in range(r.randint(1, 16)))
        assert normalize(text) == normalize_exactly(text), repr(text)
