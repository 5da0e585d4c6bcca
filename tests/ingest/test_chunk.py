from ingest.chunk import chunk_article, rough_token_count


def test_chunks_are_whole_sentences_within_budget_and_ids_are_stable():
    text = "。".join(f"第{i}句话说明岚汀市新建的社区图书馆运行良好" for i in range(60)) + "。"
    a = chunk_article(text, "x/a.txt", budget=60)
    b = chunk_article(text, "x/a.txt", budget=60)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a) > 1
    assert all(c.text.endswith("。") for c in a)
    assert all(rough_token_count([c.text])[0] <= 60 for c in a)
    assert "".join(c.text for c in a) == text
    other = chunk_article(text, "x/b.txt", budget=60)
    assert not {c.id for c in a} & {c.id for c in other}


def test_overlong_sentence_is_cut():
    text = "书馆" * 500
    chunks = chunk_article(text, "long.txt", budget=100)
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == text
