"""Snippets chosen with bounds (one scan of each paragraph, term-less sentences skipped) are the
snippets a full analysis of every sentence chooses."""

from __future__ import annotations

import itertools
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from indexer.analysis import fold_quick
from indexer.sentences import closes_abbreviation, sentence_spans
from indexer.snippets import (
    SNIPPET_CHARS,
    SNIPPET_SCAN_CHARS,
    Highlighter,
    _adjacent,
    _whole_words,
    _widen,
)

_OLD_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")  # the look-behind form it replaced


def _reference_sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _OLD_SENTENCE_END.finditer(text):
        if text[m.start() - 1] == "." and closes_abbreviation(text, m.start() - 1):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _reference_snippet(highlighter: Highlighter, article: dict) -> str:
    """Every sentence analyzed: the most distinct terms, then the most of those asked with marks
    printed as asked, then the most standing together, then the most matches; earliest wins."""
    blocks = [b[:SNIPPET_SCAN_CHARS] for b in [article.get("lead") or "", *article.get("paragraphs", [])] if b]
    best = None
    for index, block in enumerate(blocks):
        for s, e in _reference_sentences(block):
            inside = highlighter._matches(block, s, e)
            together = sum(_adjacent(block, a[1], b[0]) for a, b in itertools.pairwise(inside))
            asked = len(highlighter._printed_as_asked(block, inside)) if highlighter.exact else 0
            key = (-len({m[2] for m in inside}), -asked, -together, -len(inside), index, s)
            if best is None or key < best[0]:
                best = (key, block, (s, e), inside)
    if best is None:
        return ""
    _, text, span, inside = best
    s, e = _widen(text, span, SNIPPET_CHARS, inside)
    prefix, suffix = ("… " if s > 0 else ""), (" …" if e < len(text) else "")
    return prefix + highlighter.mark(text, highlighter._matches(text, s, e), s, e) + suffix


_WORDS = ["Đà", "Nẵng", "đà", "nang", "TP.HCM", "tp", "19.309", "Hà", "Nội", "ha", "noi", "a", "e", "O", "đảng",
          "ủy", "dangnang", "xyz_1", "中", "ж", "İ", "ß", "Ø", "c++", "u.s", "dã"]
_GAPS = [" ", "  ", ". ", "! ", "? ", "… ", ".\n", ", ", " - ", ".  ", "?!", ".", "\t", "\u3000", "; "]
_TEXT = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GAPS)), max_size=40).map(
    lambda pairs: "".join(w + g for w, g in pairs)
)


# abbreviation expansions the user did not type: marked only where they stand whole
_PHRASES = st.sets(st.sampled_from([("ha", "noi"), ("da", "nang"), ("dang", "uy"), ("tp", "hcm"), ("noi", "a", "e")]),
                   max_size=2)


# question words: marked only next to a match of another term
_BESIDE = st.sets(st.sampled_from(["a", "e", "o", "noi", "da", "uy"]), max_size=2)


# terms asked for with marks: the snippet prefers a sentence printing them so
_ASKED = st.sampled_from([{}, {"da": frozenset({"đà"})}, {"nang": frozenset({"nẵng"})},
                          {"ha": frozenset({"hà"}), "noi": frozenset({"nội"})}, {"dang": frozenset({"đảng"})}])


@settings(max_examples=400, deadline=None)
@given(lead=_TEXT, paragraphs=st.lists(_TEXT, max_size=4),
       terms=st.sets(st.sampled_from(["da", "nang", "tp", "hcm", "19.309", "ha", "noi", "a", "e", "o", "dang",
                                      "uy", "xyz_1", "c++", "da nang", "u.s", "dangnang"]), max_size=4),
       phrases=_PHRASES, beside=_BESIDE, asked=_ASKED)
# the bound finds "u.s", the analyzer "u" and "s": the first sentence must stay a candidate
@example(lead="Hà Nội. " + "Đà Nẵng " * 40 + "nay. u.s là", paragraphs=[], terms={"u.s"}, phrases=set(), beside=set(),
         asked={})
def test_bounded_choice_is_the_full_analysis_choice(
    lead: str, paragraphs: list[str], terms: set[str], phrases: set[tuple[str, ...]], beside: set[str],
    asked: dict[str, frozenset[str]],
) -> None:
    article = {"title": "", "lead": lead, "paragraphs": paragraphs, "captions": []}
    highlighter = Highlighter(terms, {t: v for t, v in asked.items() if t in terms}, phrases=phrases, beside=beside)
    expected = _reference_snippet(highlighter, article)
    assert highlighter.snippet(article) == expected
    blocks = [fold_quick(b) for b in [lead, *paragraphs]]
    if all(len(f) == len(b) for f, b in zip(blocks, [lead, *paragraphs], strict=True)):
        assert highlighter.snippet(article, folded_blocks=blocks) == expected


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, terms=st.sets(st.sampled_from(["da", "nang", "tp", "19.309", "a", "xyz_1", "o", "dangnang"]),
                                 min_size=1, max_size=4))
def test_ascii_word_edges_find_what_the_look_arounds_find(text: str, terms: set[str]) -> None:
    """`\\b` (ASCII) in place of (?<![0-9a-z_]) … (?![0-9a-z_]) on folded text, and the
    sentences cut by the mark, not a look-behind."""
    folded = fold_quick(text)
    edge = "(?<![0-9a-z_])"
    whole = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    reference = re.compile(f"{edge}(?:{whole})(?![0-9a-z_])")
    pattern = _whole_words(terms)
    assert pattern is not None and pattern.flags & re.ASCII
    assert [m.span() for m in pattern.finditer(folded)] == [m.span() for m in reference.finditer(folded)]
    assert sentence_spans(text) == _reference_sentences(text)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, terms=st.sets(st.sampled_from(["da", "nang", "tp", "hcm", "19.309", "ha", "noi", "a", "o", "uy",
                                                  "u.s", "dangnang"]), min_size=1, max_size=4),
       limit=st.sampled_from([20, 60, SNIPPET_CHARS]), phrases=_PHRASES, beside=_BESIDE)
def test_widened_matches_are_the_window_analyzed(
    text: str, terms: set[str], limit: int, phrases: set[tuple[str, ...]], beside: set[str]
) -> None:
    """A snippet's window analyzed as the sentence's known matches plus its neighbours finds
    what analyzing the whole window finds."""
    highlighter = Highlighter(terms, phrases=phrases, beside=beside)
    for span in sentence_spans(text):
        inside = highlighter._matches(text, *span)
        s, e = _widen(text, span, limit, inside)
        assert highlighter._widened_matches(text, s, e, span, inside) == highlighter._matches(text, s, e)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, terms=st.sets(st.sampled_from(["da", "nang", "tp", "hcm", "19.309", "ha", "noi", "a", "o", "uy",
                                                  "u.s", "u", "s", "dangnang", "xyz_1"]), min_size=1, max_size=4),
       cuts=st.lists(st.integers(0, 400), min_size=2, max_size=2), phrases=_PHRASES, beside=_BESIDE)
def test_pieces_around_the_scan_hits_are_the_range_analyzed(
    text: str, terms: set[str], cuts: list[int], phrases: set[tuple[str, ...]], beside: set[str]
) -> None:
    """Analyzing only the pieces between spaces that hold a hit of the one scan finds what
    analyzing the whole range finds, for ranges cut at sentence ends or spaces."""
    highlighter = Highlighter(terms, phrases=phrases, beside=beside)
    folded = fold_quick(text)
    bounded, scan = highlighter._candidates(text, folded, first=True)
    if scan is None:
        return  # bounded sentence by sentence: analyzed whole
    edges = sorted({0, len(text), *(m.end() for m in re.finditer(r"\s", text)), *(s for s, _ in sentence_spans(text))})
    lo, hi = sorted(edges[min(c, len(edges) - 1)] for c in cuts)
    assert highlighter._analyzed(text, lo, hi, scan) == highlighter._matches(text, lo, hi)
    for span, _ in bounded:
        assert highlighter._analyzed(text, *span, scan) == highlighter._matches(text, *span)


def test_a_sentence_does_not_end_at_an_abbreviations_period() -> None:
    """"TP. HCM" was two sentences, so no snippet held both halves of `TPHCM`'s "tp hcm"."""
    text = "Mưa ở TP. HCM và Q. 1 lúc 5 giờ. PGS. TS. Nguyễn Văn A. nói. Tại TP.HCM. Ông về. Hỏi (Tp. Huế)? Có."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Mưa ở TP. HCM và Q. 1 lúc 5 giờ.", "PGS. TS. Nguyễn Văn A. nói.", "Tại TP.HCM.", "Ông về.", "Hỏi (Tp. Huế)?",
        "Có."]


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, at=st.integers(0, 400))
def test_sentences_through_an_offset_are_the_first_ones(text: str, at: int) -> None:
    """Sentences only up to the one holding an offset are the start of all the sentences."""
    spans = sentence_spans(text)
    first = sentence_spans(text, through=at)
    assert first == spans[: len(first)]
    assert first[-1][1] > at or first == spans


def test_a_word_typed_with_marks_is_marked_as_typed_where_the_text_prints_it_so() -> None:
    """ "năm" asked for with its marks: a text that prints "năm" has only that marked, not
    "Nam"; a text that prints only "Nam" still has it marked (it is why the text matched).
    Other tone placement and case are the same spelling; a term asked for plain marks every
    spelling."""
    asked = Highlighter({"nam", "viet"}, {"nam": frozenset({"năm"})})
    assert asked.mark_all("Việt Nam, năm 2017") == "<mark>Việt</mark> Nam, <mark>năm</mark> 2017"
    assert asked.mark_all("Việt Nam") == "<mark>Việt Nam</mark>"
    assert asked.mark_all("NĂM nay, Nam Định") == "<mark>NĂM</mark> nay, Nam Định"
    tone = Highlighter({"uy"}, {"uy": frozenset({"ủy"})})
    assert tone.mark_all("Thành uỷ, UY tín") == "Thành <mark>uỷ</mark>, UY tín"
    plain = Highlighter({"nam", "viet"})
    assert plain.mark_all("Việt Nam, năm 2017") == "<mark>Việt Nam</mark>, <mark>năm</mark> 2017"
    article = {"title": "", "lead": "Việt Nam có bão. Năm nay bão về sớm.", "paragraphs": [], "captions": []}
    assert asked.snippet(article) == "<mark>Việt</mark> Nam có bão. <mark>Năm</mark> nay bão về sớm."


def test_the_snippet_shows_a_word_asked_with_marks_where_it_is_printed_so() -> None:
    """`má`: the first sentence printing "mà" was the snippet, and left unmarked, since the
    article prints "má" (further on): 1 to 4 hits of a page showed nothing marked (bug hunt 75)."""
    asked = Highlighter({"ma"}, {"ma": frozenset({"má"})})
    article = {"lead": "Đó là món mà cô ấy thích.", "paragraphs": ["Thật ra, má tôi nấu nó mỗi ngày."]}
    assert asked.snippet(article) == "Thật ra, <mark>má</mark> tôi nấu nó mỗi ngày."
    plain = Highlighter({"ma"})  # asked plain: the first sentence, as before
    assert plain.snippet(article).startswith("Đó là món <mark>mà</mark>")


def test_within_one_article_a_spelling_printed_anywhere_is_the_only_one_marked() -> None:
    """On an article's page the article is the text: "năm" printed in its title means "Nam" is
    unmarked in every paragraph, also in one that prints only "Nam"."""
    asked = Highlighter({"nam"}, {"nam": frozenset({"năm"})})
    article = asked.within(["Đầu năm mới", "Đội tuyển Việt Nam thắng."])
    assert article.mark_all("Đội tuyển Việt Nam thắng.") == "Đội tuyển Việt Nam thắng."
    assert article.mark_all("Đầu năm mới") == "Đầu <mark>năm</mark> mới"
    assert asked.mark_all("Đội tuyển Việt Nam thắng.") == "Đội tuyển Việt <mark>Nam</mark> thắng."
    elsewhere = asked.within(["Đội tuyển Việt Nam thắng."])  # never printed as asked: every spelling
    assert elsewhere.mark_all("Việt Nam") == "Việt <mark>Nam</mark>"


def test_an_expansion_not_typed_is_marked_only_where_it_stands_whole() -> None:
    """ "TN&MT" also finds "tài nguyên và môi trường": that phrase is marked where the text
    prints it, but not "môi trường", "và" or "trưởng" wherever they stand alone; a syllable
    that is also a term of its own ("và" typed) is marked anywhere."""
    expansion = {("tai", "nguyen", "va", "moi", "truong")}
    highlighter = Highlighter({"tn", "mt"}, phrases=expansion)
    text = "Bộ trưởng Bộ Tài nguyên và Môi trường (TN&MT) nói về môi trường và đất đai."
    assert highlighter.mark_all(text) == (
        "Bộ trưởng Bộ <mark>Tài nguyên và Môi trường</mark> (<mark>TN&amp;MT</mark>) nói về môi"
        " trường và đất đai."
    )
    assert Highlighter({"va"}, phrases=expansion).mark_all("môi trường và đất") == "môi trường <mark>và</mark> đất"
    hyphen = Highlighter(set(), phrases={("tp", "hcm"), ("ha", "noi")})
    marked = "<mark>TP.HCM</mark>, <mark>Hà-Nội</mark>, Hà. Nội"  # one mark across a word's hyphen or dot
    assert hyphen.mark_all("TP.HCM, Hà-Nội, Hà. Nội") == marked


def test_a_long_sentence_shows_its_stretch_with_the_most_words_asked() -> None:
    """A sentence longer than a snippet (a list of bodies, common in news of the Party and the
    courts) is shown where the words asked for stand together, not from the first of them: the
    snippet of "dang uy khoi doanh nghiep" shows the phrase, not "Ban cán sự đảng" alone."""
    filler = "kiểm tra tài chính của Tỉnh ủy các tỉnh Điện Biên, Yên Bái, Thái Bình, " * 6
    lead = f"Xem xét báo cáo của Ban cán sự đảng Thanh tra Chính phủ, {filler}UBKT Đảng ủy Khối Doanh nghiệp TƯ."
    assert len(lead) > 2 * SNIPPET_CHARS
    snippet = Highlighter({"dang", "uy", "khoi", "doanh", "nghiep"}).snippet({"lead": lead, "paragraphs": []})
    assert "<mark>Đảng ủy Khối Doanh nghiệp</mark>" in snippet
    assert len(re.sub("</?mark>", "", snippet)) <= SNIPPET_CHARS + 4


def test_of_sentences_holding_the_same_words_the_one_holding_them_together_is_shown() -> None:
    """ "giá vàng": a sentence that prints the phrase is shown before an earlier one that holds
    "giá" and "vàng" apart."""
    apart = "Giá xăng trong nước hôm nay được điều chỉnh theo kỳ, " + "các mặt hàng đi ngang, " * 6 + "vàng ổn định."
    together = "Hôm nay giá vàng tăng mạnh."
    filler = "Thị trường chứng khoán đi ngang trong phiên sáng. " * 6
    snippet = Highlighter({"gia", "vang"}).snippet({"lead": apart, "paragraphs": [filler, together]})
    assert "<mark>giá vàng</mark>" in snippet


def test_a_question_word_is_marked_only_beside_the_words_it_asks_about() -> None:
    """ "là gì", "ở đâu" ask for the answer and describe none: marked where they stand with
    the question's other words (the question printed), not in every sentence that says "là"."""
    asks = Highlighter({"nguyen", "nhan", "la", "gi"}, beside={"la", "gi"})
    text = "Nguyên nhân là gì? Đó là điều khó, gì cũng được. Nguyên nhân chính là thời tiết."
    assert asks.mark_all(text) == (
        "<mark>Nguyên nhân là gì</mark>? Đó là điều khó, gì cũng được. <mark>Nguyên nhân</mark> chính là thời tiết."
    )
    assert Highlighter({"la", "gi"}, beside=set()).mark_all("Đó là gì") == "Đó <mark>là gì</mark>"
