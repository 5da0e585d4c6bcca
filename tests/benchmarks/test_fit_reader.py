"""What the span ranker and its abstention are fitted with."""

from benchmarks.fit_reader import relevance


def test_relevance_grades_the_expected_answer_above_a_span_holding_it_above_a_cut_one():
    gold = ["北岸门广场"]
    assert relevance("北岸门广场", gold) == 3
    assert relevance("在北岸门广场", gold) == 2          # holds it, not much longer
    assert relevance("北岸门广", gold) == 1              # most of it: cut, wrong as it stands
    assert relevance("广场", gold) == 0                  # too little of it
    assert relevance("市民们每天傍晚都会聚在北岸门广场", gold) == 0   # holds it but far longer


def test_relevance_takes_the_best_of_several_expected_answers():
    assert relevance("1998年", ["1998年春", "1998年"]) == 3
    assert relevance("1998年春", ["1998年春天"]) == 1
    assert relevance("1998年春", ["1998年春天", "1998"]) == 2


def test_a_span_cut_inside_the_answer_is_a_positive_unless_asked_otherwise():
    import random

    import numpy as np

    from benchmarks.fit_reader import build, labels, relevance
    from rag.question import analyze
    from rag.types import Hit

    grade = np.array([relevance(s, ["北岸门广场"]) for s in ("北岸门广场", "在北岸门广场", "北岸门广", "广场")])
    assert labels(grade).tolist() == [True, True, True, False]
    assert labels(grade, cut_positive=False).tolist() == [True, True, False, False]

    question = "年会在哪里举行？"
    hits = [Hit(chunk_id="d:0", source="d.txt", title="", date=None, text="今年的年会在北岸门广场东侧举行，来了三百人。",
                score=1.0)]
    rows = [({"question": question, "answers": [["北岸门广场东侧"]]}, analyze(question), hits)]
    per_question, X, y, _ = build(rows, random.Random(1), workers=1, cut_positive=False)
    spans, grade = per_question[0][4], per_question[0][5]
    cut = [k for k, g in enumerate(grade) if g == 1]
    assert cut, [s.text for s in spans]          # the candidates hold a cut span ("北岸门广场")
    sampled = {tuple(row) for row, label in zip(X[0].tolist(), y) if label}
    assert all(tuple(per_question[0][3][k].tolist()) not in sampled for k in cut)
    _, _, y_cut, _ = build(rows, random.Random(1), workers=1)
    assert sum(y_cut) == sum(y) + len(cut)


def test_tree_params_read_numbers_and_refuse_a_missing_value():
    import pytest

    from benchmarks.fit_reader import _tree_param

    assert _tree_param("num_leaves=15") == ("num_leaves", 15)
    assert _tree_param("feature_fraction=0.5") == ("feature_fraction", 0.5)
    assert _tree_param("boosting=dart") == ("boosting", "dart")
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        _tree_param("num_leaves")


def test_the_second_look_is_fitted_on_out_of_fold_first_scores():
    import random

    import numpy as np

    from benchmarks.fit_reader import _question_rows, build, fit_second_look, fit_trees, fold_models
    from rag.features import FEATURE_NAMES
    from rag.question import analyze
    from rag.ranker import SpanRanker
    from rag.rerank import CONTEXT_FEATURES
    from rag.types import Hit

    places = ["北岸门广场", "青禾大学礼堂", "东湖公园", "南山体育馆", "西城剧院", "白石码头", "红枫会堂", "金沙湾",
              "柳林书院", "石桥镇政府", "云海酒店", "新港会展中心", "松江图书馆", "梅园宾馆", "河西会议厅"]
    rows = []
    for k, place in enumerate(places * 2):
        question = "年会在哪里举行？"
        text = f"第{k + 1}届年会在{place}举行，来了{k + 2}百人，会期三天。"
        hits = [Hit(chunk_id=f"d{k}:0", source=f"d{k}.txt", title="", date=None, text=text, score=1.0)]
        rows.append(({"question": question, "answers": [[place]]}, analyze(question), hits))
    dev, X, y, group = build(rows, random.Random(1), workers=1)
    assert len(dev) == len(rows) and all(len(d[4]) for d in dev)
    X = np.concatenate(X).astype(np.float64)
    small = {"min_data_in_leaf": 5}
    trees, rounds = fit_trees(X, np.asarray(y), np.asarray(group), params=small)
    firsts = fold_models(X, np.asarray(y), np.asarray(group), rounds, small)
    second, second_rounds, seconds = fit_second_look(firsts, dev, small)
    N = len(FEATURE_NAMES)
    ranker = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=trees, rerank=second)
    assert ranker._second.num_feature() == N + len(CONTEXT_FEATURES) and second_rounds >= 1
    # one second look per fold, as many trees each, none the same as another's: fitted without its fold
    assert len(seconds) == len(firsts) and len(set(seconds)) == len(seconds)
    assert all(SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=f, rerank=s)._second.num_trees() == second_rounds
               for f, s in zip(firsts, seconds))
    item, _, _, Xq, spans, grade, _ = _question_rows(rows[0])
    ranked = ranker.ranked(spans, Xq)
    assert len(ranked) == sum(not s.only_question_words for s in spans)
    # the bag (--bag): each span's score is the mean of the shipped and the fold pipelines' scores
    bagged = SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=trees, rerank=second, bag=list(zip(firsts, seconds)))
    members = [ranker] + [SpanRanker([0.0] * N, [1.0] * N, [0.0] * N, trees=f, rerank=s) for f, s in zip(firsts, seconds)]
    total = {}
    for member in members:
        for value, span in member.ranked(spans, Xq):
            total[id(span)] = total.get(id(span), 0.0) + value
    assert [(round(v, 9), id(s)) for v, s in bagged.ranked(spans, Xq)] == \
        [(round(total[id(s)] / len(members), 9), id(s)) for _, s in bagged.ranked(spans, Xq)]


def _outcome(confidence, right, unanswerable=False):
    """One question's outcome as fit_reader keeps it: (confidence, correct, concise, cited, unanswerable, kind)."""
    return (confidence, right, right, right, unanswerable, "other")


def test_the_abstention_threshold_keeps_the_unanswerable_share_with_a_margin():
    from benchmarks.fit_reader import abstention_threshold

    # 20 answerable questions, all right, from 0.3 up; 10 unanswerable from 0 to 0.45
    conf = [_outcome(0.3 + k / 40, True) for k in range(20)] + [_outcome(k / 20, False, True) for k in range(10)]
    free, _ = abstention_threshold(conf, 0.0)
    assert sum(c[0] < free for c in conf[20:]) < 8         # the best alone abstains on fewer
    plain, need = abstention_threshold(conf, 0.8, margin_se=0.0)
    assert need == 0.8 and sum(c[0] < plain for c in conf[20:]) >= 8
    wider, need = abstention_threshold(conf, 0.8, margin_se=1.0)
    assert need > 0.9 and sum(c[0] < wider for c in conf[20:]) >= 10 and wider > plain


def test_abstention_probabilities_out_of_fold_ignore_their_own_labels():
    import numpy as np

    from benchmarks.fit_reader import out_of_fold_probabilities

    rng = np.random.default_rng(3)
    A = rng.random((500, 4))
    right = A[:, 0] > 0.5
    index = np.arange(500)
    p = out_of_fold_probabilities(A, right, index, rounds=50)
    assert p[right].mean() > 0.8 > 0.2 > p[~right].mean()
    flipped = right.copy()
    flipped[index % 5 == 0] = ~flipped[index % 5 == 0]     # lie about fold 0's answers
    q = out_of_fold_probabilities(A, flipped, index, rounds=50)
    assert np.allclose(q[index % 5 == 0], p[index % 5 == 0])
    assert not np.allclose(q[index % 5 == 1], p[index % 5 == 1])


def test_the_second_look_s_trees_are_counted_where_held_out_folds_peak():
    import numpy as np

    from benchmarks.fit_reader import TREE_PARAMS, rounds_by_folds

    rng = np.random.default_rng(3)
    questions, per = 200, 8
    X = rng.random((questions * per, 4))
    sizes = np.full(questions, per)
    params = {**TREE_PARAMS, "min_data_in_leaf": 5, "num_threads": 1}
    # one feature tells the answer outright: the first tree ranks every held-out question right
    easy = np.zeros(len(X), dtype=int)
    easy[np.arange(questions) * per + rng.integers(0, per, questions)] = 1
    X[:, 0] = easy
    assert rounds_by_folds(X, easy, sizes, params, None, folds=5, rounds=40) == 1
    # the answer is the best of a sum of three features: trees keep learning it for many rounds
    score = (X[:, 1] + X[:, 2] + X[:, 3]).reshape(questions, per)
    hard = (score == score.max(axis=1, keepdims=True)).astype(int).ravel()
    assert rounds_by_folds(X, hard, sizes, params, None, folds=5, rounds=40) > 5
