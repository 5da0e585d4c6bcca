"""The labels the span ranker is fitted with."""

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
