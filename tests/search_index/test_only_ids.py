"""search(only_ids=…): the same query and ranking over a given set of documents."""

from search_index import search


def ids(result):
    return [h.id for h in result.hits]


def test_only_the_given_documents_are_searched_counted_and_faceted(index):
    everything = search(index, "achievements", "镜架")
    assert {1, 4} <= set(ids(everything))
    kept = search(index, "achievements", "镜架", only_ids={4, 3, 999})
    # 3 does not match the words; 999 is no document; the order is the engine's.
    assert ids(kept) == [4] and kept.total == 1
    assert dict(kept.facets["field"]) == {"surface_treatment": 1}
    assert ids(search(index, "achievements", "", only_ids={1, 3}, sort="newest")) == [
        3,
        1,
    ]


def test_an_empty_set_finds_nothing_and_none_means_no_restriction(index):
    assert search(index, "needs", "", only_ids=set()).total == 0
    assert (
        search(index, "needs", "", only_ids=None).total
        == search(index, "needs", "").total
    )
