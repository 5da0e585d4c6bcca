"""The labels of benchmarks/try_edge_model.py, on sentences written for the test."""

import numpy as np

from benchmarks.try_edge_model import breakdown, grown, training_rows
from text.normalize import fold
from text.tagged import tag_words


def _record(sentence: str, chosen: str, expected: str) -> dict:
    words = [(w.text, w.flag, w.start, w.end) for w in tag_words(sentence)]
    texts = [w[0] for w in words]
    first = next(k for k in range(len(texts)) if "".join(texts[k:]).startswith(chosen))
    last = next(k for k in range(first, len(texts)) if "".join(texts[first:k + 1]) == chosen)
    return {"item": {"answers": [[expected]]}, "text": sentence, "norm": fold(sentence), "said": [False] * len(words),
            "i": first, "j": last + 1, "words": words, "type": "other"}


def test_a_cut_answer_is_labelled_to_take_the_words_up_to_the_expected_edge_and_no_further():
    r = _record("该校前身为青禾师范学堂，创办于1902年。", "师范学堂", "青禾师范学堂")
    rows = training_rows(r)
    assert [(side, label) for side, _, label in rows] == [("L", 1), ("L", 0)]   # 青禾 yes, 为 no; "，" ends the right
    assert rows[0][1]["out=noun"] == 1 and rows[1][1]["out=preposition"] == 1


def test_an_answer_with_the_expected_edges_is_labelled_to_stop_on_both_sides():
    r = _record("渡船运送稻米与木材，每日十班。", "稻米与木材", "稻米与木材")
    assert [(side, label) for side, _, label in training_rows(r)] == [("L", 0)]
    assert training_rows(_record("渡船运送稻米与木材，每日十班。", "稻米", "木材")) == []   # no overlap: no label


class _Always:
    def __init__(self, p: float):
        self.p = p

    def predict_proba(self, x):
        return np.array([[1 - self.p, self.p]])


class _Nothing:
    def transform(self, rows):
        return rows


def test_an_answer_grows_while_the_model_says_yes_and_never_across_a_comma():
    r = _record("该校前身为青禾师范学堂，创办于1902年。", "师范学堂", "青禾师范学堂")
    assert grown(r, _Nothing(), {"L": _Always(0.9), "R": _Always(0.9)}, 0.5) == "该校前身为青禾师范学堂"
    assert grown(r, _Nothing(), {"L": _Always(0.1), "R": _Always(0.9)}, 0.5) == "师范学堂"


def test_the_breakdown_tells_a_cut_answer_from_a_wrong_sentence_and_a_right_one():
    cut = _record("该校前身为青禾师范学堂，创办于1902年。", "师范学堂", "青禾师范学堂。")
    right = _record("该校前身为青禾师范学堂，创办于1902年。", "青禾师范学堂", "青禾师范学堂。")
    elsewhere = _record("该校前身为青禾师范学堂，创办于1902年。", "青禾师范学堂", "北岸书院")
    other = _record("渡船运送稻米与木材，每日十班。", "稻米", "木材")
    assert breakdown([cut, right, elsewhere, other]) == {"cut inside it": 1, "right": 1, "sentence without it": 1,
                                                         "other span of its sentence": 1}
