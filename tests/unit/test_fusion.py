"""Reciprocal rank fusion (retrieval/hybrid.py): how dense and keyword rankings are combined."""
from __future__ import annotations

import pytest

from retrieval.hybrid import RRF_K, reciprocal_rank_fusion


def test_an_item_both_rankings_find_beats_one_found_once_at_the_top():
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]])
    assert max(fused, key=fused.get) == "b"
    assert fused["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1))


def test_ranks_count_from_one_and_k_damps_the_top():
    fused = reciprocal_rank_fusion([["x", "y", "z"]], k=0)
    assert fused == pytest.approx({"x": 1.0, "y": 0.5, "z": 1 / 3})


def test_empty_rankings_fuse_to_nothing():
    assert reciprocal_rank_fusion([[], []]) == {}
