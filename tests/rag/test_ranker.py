"""The span ranker's scorers: boosted trees read from the model file, and the linear weights."""

import json

import lightgbm
import numpy as np
import pytest

from common.errors import ConfigError
from rag.features import FEATURE_NAMES
from rag.frame import frame
from rag.question import analyze
from rag.ranker import ABSTAIN_FEATURES, MODEL_FORMAT, SpanRanker, of_the_asked_type
from rag.spans import candidate_spans, in_a_list, sentence_views
from rag.types import Hit

N = len(FEATURE_NAMES)


def _trees(n_features: int, informative: int = 3) -> str:
    """A small lambdarank model where only feature `informative` tells the answer apart."""
    rng = np.random.default_rng(0)
    X = rng.random((400, n_features))
    y = (X[:, informative] > 0.7).astype(int)
    booster = lightgbm.train({"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 5, "num_threads": 1,
                              "deterministic": True, "seed": 1},
                             lightgbm.Dataset(X, y, group=[40] * 10), 20)
    return booster.model_to_string()


def test_trees_score_by_what_they_learned():
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=_trees(N))
    rows = np.full((2, N), 0.5)
    rows[0, 3] = 0.9
    rows[1, 3] = 0.1
    high, low = ranker.scores(rows)
    assert high > low


def test_linear_weights_score_when_there_are_no_trees():
    coef = [0.0] * N
    coef[2] = 1.0
    ranker = SpanRanker([0.0] * N, [1.0] * N, coef)
    rows = np.zeros((2, N))
    rows[0, 2] = 2.0
    assert list(ranker.scores(rows)) == [2.0, 0.0]


def test_trees_for_another_number_of_features_are_refused():
    with pytest.raises(ConfigError, match="features"):
        SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=_trees(N - 1))


def test_the_model_file_round_trips_its_trees(tmp_path):
    from rag.ranker import Abstainer

    k = len(ABSTAIN_FEATURES)
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, answer_chars=8, trees=_trees(N),
                        abstainer=Abstainer([0.0] * k, [1.0] * k, [0.1] * k, 0.0, 0.3))
    path = tmp_path / "model.json"
    path.write_text(ranker.to_json(bagged=False, scorer="trees", fitted_on=["a/dev.jsonl"]))   # what it was fitted with
    assert json.loads(path.read_text())["format"] == MODEL_FORMAT
    again = SpanRanker.load(path)
    rows = np.random.default_rng(1).random((5, N))
    assert np.allclose(again.scores(rows), ranker.scores(rows))
    assert again.answer_chars == 8 and again.abstainer.threshold == 0.3


@pytest.mark.parametrize("key", ["bag", "rerank", "trees", "format"])
def test_what_a_model_was_fitted_with_never_takes_the_place_of_the_model_s_own_keys(key):
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=_trees(N))
    with pytest.raises(ValueError, match=key):
        ranker.to_json(**{key: False})


def _with_answerable():
    from rag.ranker import ANSWERABLE_FEATURES, Abstainer, Answerable

    k, m = len(ABSTAIN_FEATURES), len(ANSWERABLE_FEATURES)
    answerable = Answerable([0.0] * m, [1.0] * m, [1.0] + [0.0] * (m - 1), -0.5)
    return SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=_trees(N),
                      abstainer=Abstainer([0.0] * k, [1.0] * k, [0.0] * k, 2.0, 0.3, answerable))


def test_abstention_multiplies_in_the_chance_that_the_passages_hold_an_answer(tmp_path):
    from rag.ranker import ANSWERABLE_FEATURES

    ranker = _with_answerable()
    x = [0.0] * len(ABSTAIN_FEATURES)
    lone = 1 / (1 + np.exp(-2.0))                       # P(right | answerable) alone
    covered = list(x)
    covered[ABSTAIN_FEATURES.index(ANSWERABLE_FEATURES[0])] = 3.0
    assert ranker.abstainer.probability(x) == pytest.approx(lone / (1 + np.exp(0.5)))
    assert ranker.abstainer.probability(covered) == pytest.approx(lone / (1 + np.exp(-2.5)))
    path = tmp_path / "model.json"
    path.write_text(ranker.to_json())
    again = SpanRanker.load(path)
    assert again.abstainer.probability(covered) == pytest.approx(ranker.abstainer.probability(covered))


def test_a_model_fitted_for_other_answerability_features_is_refused(tmp_path):
    data = json.loads(_with_answerable().to_json())
    data["abstain"]["answerable"]["features"] = ["something_else"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="answerability"):
        SpanRanker.load(path)


def _abstention_trees(n_features: int) -> str:
    """Binary trees where the first feature (best_score) alone tells a right answer."""
    rng = np.random.default_rng(2)
    X = rng.random((300, n_features))
    booster = lightgbm.train({"objective": "binary", "verbose": -1, "min_data_in_leaf": 5, "num_threads": 1,
                              "deterministic": True, "num_leaves": 3}, lightgbm.Dataset(X, (X[:, 0] > 0.6).astype(int)), 30)
    return booster.model_to_string()


def test_abstention_trees_give_the_chance_of_a_right_answer_and_round_trip(tmp_path):
    from rag.ranker import Abstainer

    k = len(ABSTAIN_FEATURES)
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=_trees(N),
                        abstainer=Abstainer([0.0] * k, [1.0] * k, [0.0] * k, 0.0, 0.5, trees=_abstention_trees(k)))
    strong, weak = [0.5] * k, [0.5] * k
    strong[0], weak[0] = 0.9, 0.1
    assert ranker.abstainer.probability(strong) > 0.8 > 0.2 > ranker.abstainer.probability(weak)
    path = tmp_path / "model.json"
    path.write_text(ranker.to_json())
    again = SpanRanker.load(path)
    assert again.abstainer.probability(strong) == pytest.approx(ranker.abstainer.probability(strong))
    assert again.abstainer.threshold == 0.5


def test_abstention_trees_for_another_number_of_features_are_refused():
    from rag.ranker import Abstainer

    k = len(ABSTAIN_FEATURES)
    with pytest.raises(ConfigError, match="abstention trees"):
        Abstainer([0.0] * k, [1.0] * k, [0.0] * k, 0.0, 0.5, trees=_abstention_trees(k + 1))


def test_ranked_drops_candidates_made_of_the_question_words():
    from rag.question import analyze
    from rag.spans import candidate_spans, in_a_list, sentence_views
    from rag.types import Hit

    q = analyze("青禾市的市花是什么？")
    views = sentence_views(q, [Hit(chunk_id="d:0", source="d.txt", title="", date=None,
                                   text="青禾市的市花是紫藤。", score=1.0)])
    spans = [s for v in views for s in candidate_spans(v)]
    assert any(s.only_question_words for s in spans) and not all(s.only_question_words for s in spans)
    ranked = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N).ranked(spans, np.zeros((len(spans), N)))
    assert ranked and not any(s.only_question_words for _, s in ranked)
    assert len(ranked) == sum(not s.only_question_words for s in spans)


def test_a_word_that_holds_a_question_term_and_more_stays_a_candidate():
    from rag.question import analyze
    from rag.spans import candidate_spans, in_a_list, sentence_views
    from rag.types import Hit

    q = analyze("青禾河发源于北陵山脉和哪一个山脉之间？")
    views = sentence_views(q, [Hit(chunk_id="d:0", source="d.txt", title="", date=None,
                                   text="青禾河发源于北陵山脉和长白山脉之间。", score=1.0)])
    spans = {s.text: s for v in views for s in candidate_spans(v)}
    assert not spans["长白山脉"].only_question_words        # one word: names the 山脉 asked for
    assert spans["北陵山脉"].only_question_words            # the question names it
    ranked = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N).ranked(list(spans.values()), np.zeros((len(spans), N)))
    assert "长白山脉" in [s.text for _, s in ranked]


def test_the_choice_reads_how_much_of_its_passage_s_title_the_question_names():
    from rag.frame import frame
    from rag.question import analyze
    from rag.spans import candidate_spans, in_a_list, sentence_views
    from rag.types import Hit

    q = analyze("槐山书院创办于哪一年？")
    hits = [Hit(chunk_id="a:0", source="a.txt", title="青禾中学", date=None, text="该校创办于1901年。", score=2.0),
            Hit(chunk_id="b:0", source="b.txt", title="槐山书院", date=None, text="书院有三百名学生。", score=1.0)]
    views = sentence_views(q, hits)
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N)
    span = next(s for v in views if v.hit == 0 for s in candidate_spans(v) if s.text == "1901年")
    f = dict(zip(ABSTAIN_FEATURES, ranker.choose([(1.0, span)], views, frame(q)).features))
    assert f["passage_title"] == 0.0     # the answer's passage is about another school
    assert f["pool_title"] == 4.0        # another retrieved passage is about 槐山书院


def _second_look_trees() -> str:
    """Second-look trees that learned a perverse rule: the further down the first ranking, the better."""
    from rag.rerank import CONTEXT_FEATURES

    width = N + len(CONTEXT_FEATURES)
    rng = np.random.default_rng(0)
    X = rng.random((600, width)) * 2
    y = (X[:, N + CONTEXT_FEATURES.index("first_rank")] > 1.0).astype(int)
    booster = lightgbm.train({"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 5, "num_threads": 1,
                              "deterministic": True, "seed": 1},
                             lightgbm.Dataset(X, y, group=[30] * 20), 20)
    return booster.model_to_string()


def _four_spans():
    from rag.question import analyze
    from rag.spans import candidate_spans, in_a_list, sentence_views
    from rag.types import Hit

    q = analyze("会议在哪里举行？")
    views = sentence_views(q, [Hit(chunk_id="d:0", source="d.txt", title="", date=None,
                                   text="会议在北岸门广场举行，来了三百人。", score=1.0)])
    spans = [s for v in views for s in candidate_spans(v) if not s.only_question_words][:4]
    assert len(spans) == 4
    return spans


def _abstainer():
    from rag.ranker import Abstainer

    k = len(ABSTAIN_FEATURES)
    return Abstainer([0.0] * k, [1.0] * k, [0.1] * k, 0.0, 0.3)


def test_the_second_look_ranks_the_first_scorers_best_again(tmp_path):
    coef = [0.0] * N
    coef[0] = 1.0
    first = SpanRanker([0.0] * N, [1.0] * N, coef)
    ranker = SpanRanker([0.0] * N, [1.0] * N, coef, rerank=_second_look_trees(), abstainer=_abstainer())
    spans = _four_spans()
    rows = np.zeros((4, N))
    rows[:, 0] = [0.04, 0.03, 0.02, 0.01]              # the first scorer ranks them in this order, barely
    assert [s for _, s in first.ranked(spans, rows)] == spans
    again = [s for _, s in ranker.ranked(spans, rows)]
    place = {id(s): k for k, s in enumerate(spans)}
    assert sorted(place[id(s)] for s in again[:2]) == [2, 3] and sorted(place[id(s)] for s in again[2:]) == [0, 1]
    path = tmp_path / "model.json"
    path.write_text(ranker.to_json())
    loaded = SpanRanker.load(path)
    assert [s for _, s in loaded.ranked(spans, rows)] == again


def test_a_model_fitted_for_other_second_look_features_is_refused(tmp_path):
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, rerank=_second_look_trees(), abstainer=_abstainer())
    data = json.loads(ranker.to_json())
    data["rerank_features"] = data["rerank_features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="second-look"):
        SpanRanker.load(path)
    with pytest.raises(ConfigError, match="second-look"):
        SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, rerank=_trees(N))


def test_a_bag_of_tree_models_scores_each_span_by_their_mean_and_round_trips(tmp_path):
    own, other = _trees(N, informative=3), _trees(N, informative=5)
    alone = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=own)
    member = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=other)
    bagged = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=own, bag=[(other, "")], abstainer=_abstainer())
    spans = _four_spans()
    rows = np.full((4, N), 0.5)
    rows[:, 3] = [0.9, 0.8, 0.1, 0.1]      # the own trees like the first two
    rows[:, 5] = [0.1, 0.9, 0.9, 0.1]      # the other trees like the middle two
    mean = {id(s): v / 2 for s, v in zip(spans, alone.scores(rows) + member.scores(rows))}
    ranked = bagged.ranked(spans, rows)
    assert [v for v, _ in ranked] == pytest.approx([mean[id(s)] for _, s in ranked])
    assert [v for v, _ in ranked] == sorted((v for v, _ in ranked), reverse=True)
    assert ranked[0][1] is spans[1]        # the span both like, though one of them alone ranks another first
    assert [s for _, s in alone.ranked(spans, rows)][0] is not spans[1] or \
        [s for _, s in member.ranked(spans, rows)][0] is not spans[1]
    path = tmp_path / "model.json"
    path.write_text(bagged.to_json())
    assert [s for _, s in SpanRanker.load(path).ranked(spans, rows)] == [s for _, s in ranked]


def test_a_bag_without_trees_of_its_own_is_refused():
    with pytest.raises(ConfigError, match="bag"):
        SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, bag=[(_trees(N), "")])


@pytest.mark.parametrize("question, kept", [
    ("青禾大桥全长多少？", ["2.8公里", "两成", "半年"]),      # a figure: spans holding a numeral
    ("青禾大桥连接哪里？", ["2.8公里", "北岸与南湾", "两成", "半年"]),   # anything else: all of them
])
def test_a_question_for_a_figure_keeps_the_candidates_that_hold_a_numeral(question, kept):
    assert _of_the_asked_type(question, "大桥全长约2.8公里，连接北岸与南湾，车流增加两成，工期半年。",
                              ["2.8公里", "北岸与南湾", "两成", "半年"]) == kept


def _of_the_asked_type(question: str, text: str, candidates: list[str]) -> list[str]:
    """Which of the candidates of `text` the question may take (`of_the_asked_type`)."""
    hits = [Hit(chunk_id="d0:0", source="d0.txt", title="", date=None, score=1.0, text=text)]
    view = sentence_views(analyze(question), hits)[0]
    spans = {s.text: s for s in candidate_spans(view)}
    f = frame(analyze(question))
    return [t for t in candidates if of_the_asked_type(spans[t], f)]


@pytest.mark.parametrize("question, kept", [
    ("4位获奖者中有几位是北岸大学校友？", ["2位"]),           # never the figure the question states
    ("2019年北岸港有几位获奖者？", ["4位", "2位"]),           # a figure in another unit is no bar
    ("北岸大学有几位校友获奖？", ["4位", "2位"]),
])
def test_a_question_for_a_figure_is_not_answered_with_a_figure_it_states(question, kept):
    assert _of_the_asked_type(question, "2019年的4位获奖者中，2位是北岸大学校友。", ["4位", "2位"]) == kept


_DATES = ["1972", "1972年", "9月2日", "同年10月", "庚申年", "七十年代", "二十世纪"]


@pytest.mark.parametrize("question, kept", [
    ("青禾学院在哪一年动工？", ["1972", "1972年", "庚申年"]),     # a month and day, or 同年, say no year
    ("青禾学院于何年动工？", ["1972", "1972年", "庚申年"]),
    ("青禾学院在哪一年代筹建？", ["七十年代"]),
    ("青禾学院在几世纪筹建？", ["二十世纪"]),
    ("青禾学院在几月动工？", ["9月2日", "同年10月"]),
    ("青禾学院什么时候动工？", _DATES),                            # no period asked: all of them
    ("青禾学院的工期是几个月？", ["1972", "1972年", "9月2日", "同年10月", "七十年代", "二十世纪"]),  # a figure
])
def test_a_question_for_a_year_month_decade_or_century_keeps_the_candidates_that_name_one(question, kept):
    assert _of_the_asked_type(question, "青禾学院于二十世纪七十年代筹建，1972年9月2日动工，同年10月落成，庚申年扩建。",
                              _DATES) == kept


def _ferry_spans(question: str):
    hits = [Hit(chunk_id="d0:0", source="d0.txt", title="", date=None, score=1.0,
                text="青禾渡轮于1998年启用，往来北岸与南湾，船长为林知远。")]
    q = analyze(question)
    views = sentence_views(q, hits)
    return views, {s.text: s for v in views for s in candidate_spans(v)}, frame(q)


def test_titles_in_a_list_and_items_at_a_sentence_s_edges_are_in_a_list():
    hits = [Hit(chunk_id="d0:0", source="d0.txt", title="", date=None, score=1.0,
                text="北岸与南湾出版散文集《古榕》、《山茶》和杂志")]
    q = analyze("青禾出版了哪些散文集？")
    spans = {s.text: s for v in sentence_views(q, hits) for s in candidate_spans(v)}
    assert all(in_a_list(spans[t]) for t in ["《古榕》", "《山茶》", "北岸", "杂志"])
    assert not in_a_list(spans["出版散文集"])


def test_a_list_and_its_items_are_in_a_list():
    _, spans, _ = _ferry_spans("青禾渡轮往来于哪两个地方？")
    assert [t for t in ["北岸与南湾", "南湾", "北岸", "1998年启用", "林知远"] if in_a_list(spans[t])] \
        == ["北岸与南湾", "南湾", "北岸"]


@pytest.mark.parametrize("question, chosen", [
    ("青禾渡轮往来于哪两个地方？", "北岸与南湾"),   # several things asked: the best list, over a better-scored date
    ("Which two places does the Qinghe ferry link?", "北岸与南湾"),
    ("青禾渡轮哪一年启用？", "1998年启用"),          # one thing asked: the best-scored span
    ("Which year did the Qinghe ferry start?", "1998年启用"),
])
def test_a_question_for_several_things_is_answered_with_a_list_when_one_is_ranked(question, chosen):
    views, spans, f = _ferry_spans(question)
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N)
    scored = [(3.0, spans["1998年启用"]), (1.0, spans["北岸与南湾"]), (0.5, spans["林知远"])]
    assert ranker.choose(scored, views, f).span.text == chosen
