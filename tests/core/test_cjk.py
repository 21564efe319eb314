from xuncha.core import cjk


def test_two_character_words_are_single_tokens() -> None:
    for word in ["食堂", "招生", "职称", "采购"]:
        (token,) = cjk.query_tokens(word)
        assert token in cjk.tokens(f"反映学校{word}存在问题")


def test_bigrams_overlap_and_latin_words_stay_whole() -> None:
    assert cjk.tokens("食堂采购 ABC123") == [cjk.tokens("食堂")[0], cjk.tokens("堂采")[0], cjk.tokens("采购")[0], "abc123"]


def test_tokens_are_ascii_for_every_engine() -> None:
    assert all(t.isascii() for t in cjk.tokens("巡察組收受禮品"))


def test_traditional_and_full_width_match_simplified() -> None:
    assert cjk.tokens("職稱評審") == cjk.tokens("职称评审")
    assert cjk.tokens("ＡＢＣ１２") == ["abc12"]


def test_a_longer_query_needs_all_its_bigrams() -> None:
    assert cjk.query_tokens("职称评审") == cjk.tokens("职称评审")
    assert not set(cjk.query_tokens("评审职称")) <= set(cjk.tokens("职称评审"))  # 审职 is missing


def test_single_character_query() -> None:
    assert cjk.is_single_han("猫")
    assert not cjk.is_single_han("食堂")
