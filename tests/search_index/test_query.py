"""Tests for keyword search: syntax, thesaurus, facets, filters, sort, hints."""

import pytest

from search_index import SearchIndex, search
from search_index.query import build_query, parse
from search_index.schema import to_document
from search_index.segments import IndexOutdated


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
    assert r.total == 0 and r.suggestions == []  # no dead ends (see below)


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


# Listings with 钛 only inside longer words (jieba keeps 钛合金, 纯钛 whole), a
# polarised lens and a photochromic one described in Chinese only.
def _listing(id, title, body, field):
    return {"id": id, "title": title, "body": body, "field": field, "org_id": id}


MORE = [
    _listing(
        20, "纯钛超轻镜架设计", "镜圈与镜腿采用纯钛，整副重量8克。", "frame_materials"
    ),
    _listing(
        21,
        "3D打印钛合金个性化镜腿",
        "选区激光熔化成形，钛合金粉末。",
        "frame_materials",
    ),
    _listing(
        22,
        "高消光比偏光镜片",
        "偏光膜与树脂镜片贴合，消光比大于99%。",
        "lenses_coatings",
    ),
    _listing(
        23,
        "快速变色光致变色镜片",
        "螺吡喃类光致变色染料旋涂于镜片表面。",
        "lenses_coatings",
    ),
]
TITANIUM = {6, 20, 21}  # 鈦合金 and β钛, 纯钛, 钛合金


@pytest.fixture
def more(index):
    index.upsert("achievements", MORE)
    return index


def test_a_lone_chinese_character_finds_the_words_holding_it(more):
    r = search(more, "achievements", "钛")
    assert set(ids(r)) == TITANIUM
    marked = {h.id: h.highlights for h in r.hits}
    assert "<mark>钛合金</mark>" in marked[21]["title"]
    assert "<mark>β钛</mark>" in marked[6]["body"]
    assert "<mark>鈦合金</mark>" in marked[6]["title"]  # traditional, folded
    # Also as one word of several.
    assert set(ids(search(more, "achievements", "钛 镜腿"))) == {6, 20, 21}


def test_only_a_character_written_alone_is_expanded(more):
    snap = more.snapshot("achievements")
    (lone,) = parse("钛", snap).concepts
    assert "钛合金" in lone.contains
    assert all("钛" in t and t != "钛" for t in lone.contains)
    assert len(lone.contains) <= 40
    # Words of several characters, and quoted phrases, search as before.
    for q in [
        "钛合金",
        "钛合金 镜架 激光",
        "镜架 附着力",
        '"钛"',
        '"progressive lens"',
    ]:
        assert repr(build_query(parse(q, snap))) == repr(build_query(parse(q))), q
    assert ids(search(more, "achievements", '"钛"')) == []


def test_a_word_whose_synonym_is_one_character_finds_the_words_holding_it(more):
    # titanium's group holds 钛: as typed alone, it finds 钛合金, 纯钛, β钛.
    assert set(ids(search(more, "achievements", "titanium"))) >= TITANIUM
    (concept,) = parse("titanium", more.snapshot("achievements")).concepts
    assert "钛合金" in concept.contains


def test_terms_holding_a_character_come_from_the_sidecars_only(tmp_path, achievements):
    docs = achievements + MORE
    fast, stock = (
        SearchIndex(tmp_path / "fast", shared=False),
        SearchIndex(tmp_path / "stock", shared=False),
    )
    fast.rebuild("achievements", docs, procs=1)  # segments with sidecars
    # Whoosh's own writer, two segments: an index from before every write had
    # its sidecar. Its term lists are not read instead: it is refused.
    for part in (docs[:5], docs[5:]):
        with stock.index("achievements").writer() as w:
            for d in part:
                w.add_document(**to_document("achievements", d))
    with pytest.raises(IndexOutdated, match="reindex"):
        stock.snapshot("achievements")
    stock.optimize("achievements")  # rewritten by the fast writer, with its sidecar
    a, b = fast.snapshot("achievements"), stock.snapshot("achievements")
    for char in "钛镜片光":
        got = a.terms_containing("text", char, 40)
        assert got and got == b.terms_containing("text", char, 40)
        assert a.terms_containing("text", char, 40) is got  # cached
    fast.close()
    stock.close()


def test_an_exclusion_removes_what_the_word_would_find(more):
    framed = set(ids(search(more, "achievements", "镜架", per_page=100)))
    assert framed & TITANIUM
    assert set(ids(search(more, "achievements", "镜架 -钛"))) == framed - TITANIUM
    # Through the thesaurus in both languages, as a search word goes.
    lenses = set(ids(search(more, "achievements", "lens", per_page=100)))
    assert 22 in lenses
    assert set(ids(search(more, "achievements", "lens -polarized"))) == lenses - {22}
    assert 22 not in ids(search(more, "achievements", "镜片 -偏光"))
    # A quoted phrase excludes the phrase only.
    assert set(ids(search(more, "achievements", '镜架 -"激光焊接"'))) == framed - {6}
    assert 4 in ids(search(more, "achievements", '镜架 -"附着 力量"'))


def test_only_exclusions_give_everything_else(more):
    everything = search(more, "achievements", "", per_page=100)
    r = search(more, "achievements", "-钛", per_page=100)
    assert set(ids(r)) == set(ids(everything)) - TITANIUM
    assert r.total == everything.total - len(TITANIUM)
    assert ids(r) == [i for i in ids(everything) if i not in TITANIUM]  # newest
    assert search(more, "achievements", "-qqqzzz").total == everything.total


def test_suggestions_are_never_dead_ends(more):
    r = search(more, "achievements", "quantum blockchain")
    assert r.total == 0 and r.suggestions == []
    # Nothing in this field: the words elsewhere are offered, and each finds some.
    r = search(more, "achievements", "镜架 附着力", filters={"field": "environmental"})
    assert r.total == 0 and r.suggestions
    for s in r.suggestions:
        assert search(more, "achievements", s).total, s


def test_did_you_mean_knows_the_thesaurus_words_that_find_listings(more):
    # No listing spells "photochromic"; 光致变色 listings are what it finds.
    assert ids(search(more, "achievements", "photochromic")) == [23]
    assert search(more, "achievements", "photochromic").did_you_mean is None
    r = search(more, "achievements", "photocromic lens")
    assert r.did_you_mean == "photochromic lens"
    assert search(more, "achievements", r.did_you_mean).total
    # A thesaurus word nothing in the index is found by is not offered.
    assert search(more, "achievements", "qqqzzz").did_you_mean is None
