"""Story fingerprints: near copies found, templated stories kept apart."""

from __future__ import annotations

from crawler.dedupe import Policy, fingerprint, same_story, similarity

WIRE = (
    "정부가 3조 5000억 원 규모의 AI정책금융 프로그램을 새로 만든다. 그동안 AI 반도체에 쏠려 있던 정책금융 지원을 "
    "클라우드와 로봇, 자율주행, 헬스케어 등 AI를 활용하는 산업 전반으로 넓히겠다는 것이 핵심이다. 금융위원회는 4일 "
    "정부서울청사에서 제7차 정책금융지원협의회를 열고 이 같은 내용의 지원 방안을 논의했다. 새 프로그램은 산업은행이 "
    "오는 7월부터 운영한다. 이 가운데 3조 원은 AI 기업의 시설투자와 연구개발, 운영자금 등에 쓸 수 있는 저리대출로 "
    "공급된다. 나머지 5000억 원은 펀드 형태로 공급된다. 산은이 1500억 원을 출자하고 민간자금 3500억 원을 매칭한다."
)


def story(title, text):
    fp = fingerprint(text)
    return {"title": title, "text": text, "length": fp.length}, fp


def test_a_lightly_edited_wire_copy_is_the_same_story():
    copy_text = WIRE.replace("새로 만든다", "신설한다").replace(
        " 산은이 1500억 원을 출자하고 민간자금 3500억 원을 매칭한다.", ""
    )
    original, fp_a = story("정부, 3.5조 AI정책금융 신설", WIRE)
    copy, fp_b = story("AI정책금융 3.5조 신설…클라우드·로봇 지원", copy_text)
    score = similarity(fp_a.signature, fp_b.signature)
    assert score >= 0.8
    assert set(fp_a.bands) & set(fp_b.bands)  # LSH puts them in a shared bucket
    assert same_story(Policy(), copy, original, score)


def test_identical_text_has_the_same_exact_fingerprint_whatever_the_spacing():
    assert fingerprint(WIRE).exact == fingerprint("  " + WIRE.replace(". ", ".\n\n")).exact


def test_templated_stories_with_other_numbers_stay_apart():
    day1 = "코스피가 전 거래일보다 21.35포인트(0.81%) 오른 2,650.12에 장을 마쳤다. " * 8
    day2 = "코스피가 전 거래일보다 12.08포인트(0.45%) 내린 2,628.77에 장을 마쳤다. " * 8
    a, fp_a = story("코스피 2,650.12 마감…0.8% 상승", day1)
    b, fp_b = story("코스피 2,628.77 마감…0.5% 하락", day2)
    assert not same_story(Policy(), b, a, similarity(fp_a.signature, fp_b.signature))


def test_short_stories_are_never_merged_as_near_copies():
    a, fp_a = story("[속보] 서울 지하철 2호선 운행 재개", "서울 지하철 2호선 운행이 오후 3시부터 재개됐다.")
    b, fp_b = story("[속보] 서울 지하철 3호선 운행 재개", "서울 지하철 3호선 운행이 오후 3시부터 재개됐다.")
    assert not same_story(Policy(), b, a, 1.0)


def test_signatures_stay_those_stored_archives_hold():
    """Values datasketch 2.0's MinHash (seed 1, crc32, scheme affine32) gave for this text, which
    the archive's first fingerprints were made with: a change would hide copies of old stories."""
    import numpy as np

    fp = fingerprint(WIRE)
    assert list(np.frombuffer(fp.signature, dtype=np.uint32)[:6]) == [
        12224687, 22115578, 34670385, 1136445, 23562636, 56119269,
    ]  # fmt: skip
    assert fp.bands[:2] == (-9125210926290780925, -4614778495444077821)
