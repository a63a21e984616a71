from crawler.text import lead, plain_text, sentences


def test_korean_sentences_are_not_cut_inside_numbers_or_quotes():
    text = (
        "정부가 3.5조 원 규모의 프로그램을 2024.06.04 신설했다. "
        "김 부위원장은 “기업들에 힘이 되기를 바란다. 정말이다”라고 밝혔다. "
        "U.S. 시장도 반응했다."
    )
    assert sentences(text) == [
        "정부가 3.5조 원 규모의 프로그램을 2024.06.04 신설했다.",
        "김 부위원장은 “기업들에 힘이 되기를 바란다. 정말이다”라고 밝혔다.",
        "U.S. 시장도 반응했다.",
    ]


def test_lead_stops_at_a_sentence_end_near_the_limit():
    text = " ".join(f"문장 {i}번은 충분히 길게 쓴 한국어 문장이며 여기서 끝난다." for i in range(20))
    result = lead(text, 100)
    assert result.endswith("끝난다.")
    assert 50 < len(result) <= 100


def test_plain_text_decodes_once_and_drops_tags_and_controls():
    assert plain_text("AT&amp;T <b>wins</b>\x07 big") == "AT&T wins big"
    assert plain_text("&amp;lt;script&amp;gt;") == "&lt;script&gt;"
