"""Tests for keyword search: syntax, thesaurus, facets, filters, sort, hints."""

import pytest

from search_index import search


def ids(result):
    return [h.id for h in result.hits]


def test_chinese_synonym_finds_english_acetate_listing(index):
    assert set(ids(search(index, "achievements", "板材"))) >= {1, 2}


def test_english_finds_chinese_defocus_listing(index):
    assert ids(search(index, "achievements", "defocus")) == [3]


def test_traditional_query_finds_simplified_listing(index):
    assert 4 in ids(search(index, "achievements", "鏡架 附著力"))


def test_all_words_must_match(index):
    r = search(index, "achievements", "镜架 附着力")
    assert ids(r) == [4]
    assert not r.fallback_any


def test_falls_back_to_any_word_and_says_so(index):
    r = search(index, "achievements", "附着力 废水")
    assert set(ids(r)) == {4, 7}
    assert r.fallback_any


def test_chinese_and_english_phrases(index):
    assert ids(search(index, "achievements", '"近视离焦"')) == [3]
    assert ids(search(index, "achievements", '"离焦 青少年"')) == []
    assert ids(search(index, "achievements", "离焦 青少年")) == [3]
    assert ids(search(index, "achievements", '"progressive lens"')) == [5]
    # both words occur in listing 5, but not next to each other
    assert ids(search(index, "achievements", '"lens progressive"')) == []


def test_minus_excludes(index):
    assert ids(search(index, "achievements", "acetate -bio")) == [1]


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "AND OR NOT",
        "'; DROP TABLE listings; --",
        "*?:^~(){}[]<>!@#$%&|\\/",
        "x" * 2000,
        "镜架 " * 500,
        "-",
        '""',
        "\x00\ufeff\u200b",
        "",
    ],
)
def test_garbage_never_raises(index, q):
    r = search(index, "achievements", q)
    assert r.total >= 0


def test_facet_counts(index):
    r = search(index, "achievements", "镜架")
    facets = dict(r.facets["field"])
    assert facets["frame_materials"] == 2
    assert facets["surface_treatment"] == 1
    assert dict(r.facets["cooperation_modes"])["licence"] >= 3
    assert r.total == len(r.hits) and not r.total_is_estimate


def test_search_without_highlights_gives_the_same_hits_and_no_snippets(index):
    full = search(index, "achievements", "镜架 acetate")
    bare = search(index, "achievements", "镜架 acetate", highlights=False)
    assert [(h.id, h.score) for h in bare.hits] == [(h.id, h.score) for h in full.hits]
    assert bare.total == full.total and bare.facets == full.facets
    assert all(h.highlights == {} for h in bare.hits)
    assert any(h.highlights for h in full.hits)
    # Read from the id column, not the stored fields.
    assert index.snapshot("achievements").doc_ids() is not None


def test_ids_of_an_index_written_before_the_id_column_come_from_stored_fields(
    tmp_path, achievements
):
    from whoosh import fields
    from whoosh import index as whoosh_index

    from search_index import SearchIndex
    from search_index.schema import make_schema

    schema = make_schema("achievements")
    schema.remove("id")
    schema.add("id", fields.ID(stored=True, unique=True))
    whoosh_index.create_in(tmp_path, schema, "achievements")
    old = SearchIndex(tmp_path)
    old.upsert("achievements", achievements)
    assert old.snapshot("achievements").doc_ids() is None
    full = search(old, "achievements", "镜架 acetate")
    bare = search(old, "achievements", "镜架 acetate", highlights=False)
    assert ids(full) and ids(bare) == ids(full)
    old.close()


def test_filters(index):
    assert ids(
        search(index, "achievements", "镜架", filters={"field": "automation"})
    ) == [6]
    r = search(index, "achievements", "", filters={"trl_min": 7})
    assert set(ids(r)) == {3, 5, 7, 8}
    r = search(
        index,
        "achievements",
        "",
        filters={"price_min_fen": 6_000_000, "price_max_fen": 25_000_000},
    )
    assert set(ids(r)) == {2, 4}
    r = search(index, "achievements", "", filters={"cooperation_mode": "assignment"})
    assert ids(r) == [1]
    assert set(
        ids(search(index, "achievements", "", filters={"trl_band": "high"}))
    ) == {3, 5, 7, 8}


def test_drafts_are_hidden_unless_asked_for(index):
    assert 9 not in ids(search(index, "achievements", "lens"))
    assert ids(search(index, "achievements", "lens", filters={"status": "draft"})) == [
        9
    ]


def test_sorts(index):
    r = search(index, "achievements", "", sort="price_asc")
    assert ids(r)[:4] == [1, 4, 2, 3]
    r = search(index, "achievements", "", sort="price_desc")
    assert ids(r)[:4] == [3, 2, 4, 1]
    r = search(index, "achievements", "", sort="newest")
    assert ids(r)[0] == 8


def test_paging(index):
    first = search(index, "achievements", "", sort="newest", per_page=3)
    second = search(index, "achievements", "", sort="newest", page=2, per_page=3)
    assert len(first.hits) == 3 and not set(ids(first)) & set(ids(second))


def test_highlights_mark_matches_and_escape_html(index):
    hit = search(index, "achievements", "progressive").hits[0]
    assert "<mark>Progressive</mark>" in hit.highlights["title"]
    assert "&lt;b&gt;fast&lt;/b&gt;" in hit.highlights["body"]
    assert "<b>" not in hit.highlights["body"]
    hit = search(index, "achievements", "附着力").hits[0]
    assert "<mark>附着力</mark>" in hit.highlights["title"]


def test_did_you_mean_fixes_english_typos(index):
    r = search(index, "achievements", "progresive")
    assert r.did_you_mean == "progressive"
    assert search(index, "achievements", "progressive").did_you_mean is None


def test_suggestions_when_nothing_matches(index):
    r = search(index, "achievements", "醋酸纤维 xyzzyq")
    assert r.total == 0 or r.fallback_any
    r = search(index, "achievements", "板材 qqqzzz")
    assert r.fallback_any
    r = search(index, "achievements", "qqqzzz wwwyyy")
    assert r.total == 0 and r.suggestions


def test_needs_index_is_searchable(index):
    assert ids(search(index, "needs", "adhesion")) == [101]


def test_deleted_listing_disappears(index):
    assert 7 in ids(search(index, "achievements", "废水"))
    assert index.delete("achievements", [7]) == 1
    assert 7 not in ids(search(index, "achievements", "废水"))
    assert index.doc_count("achievements") == 8


def test_upsert_replaces(index):
    doc = {
        "id": 7,
        "title": "全新标题 cyanide-free plating",
        "body": "",
        "status": "published",
    }
    index.upsert("achievements", [doc])
    assert ids(search(index, "achievements", "无氰电镀")) == [7]
    assert ids(search(index, "achievements", "废水")) == []
