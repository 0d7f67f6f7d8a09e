"""Known words a slip of the keys may have made ("ten" for "tiền", "ben nhan" for "bệnh nhân"):
how sure a query is of the slip (`slip_sureness`), the spelling it is taken or shown as
(`held_slip`, `taken_slip`), and the words typed as names that no slip made (`names_only`). The
candidates come from `indexer.misspellings.slip_candidates`; `indexer.meanings.interpret` applies
the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from indexer.analysis import Syllable, canonical_syllable, has_marks, has_vowel
from indexer.keyboard import could_be_syllable
from indexer.misspellings import printed_carried, printed_either_way
from indexer.support import Support
from indexer.typo_evidence import (
    SHORT_QUERY,
    SHOWN_ODDS,
    SLIP_ODDS,
    SLIP_PAIR_SHARE,
    SLIP_RARITY,
    SUGGESTED_WEIGHT,
    TAKEN_WEIGHT,
    likeliest_slip,
    neighbour_pairs,
    pair_docs,
    reading_odds,
)
from indexer.word_meaning import Meaning, Restores, new_forms

SHOWN_HELD = 10  # see held_slip


def slip_sureness(
    tok: Syllable,
    meaning: Meaning,
    slipped: Sequence[str],
    words: Sequence[str],
    i: int,
    support: Support,
    restorer: Restores | None = None,
) -> tuple[Literal["taken", "unspelled", "shown", "marks", "hinted"] | None, str]:
    """How sure it is that a word with slip candidates (`misspellings.slip_candidates`: one edit
    away, held next to a neighbour) is a slip for one of them, and which: "taken" as it
    (`taken_slip`), "unspelled" (taken, its letters weighing as a candidate), "shown" as the
    correction while still matched as typed, "hinted" (shown where the hits print it), "marks"
    (its letters right, its marks slipped: `remarked`), or None (matched only: a printed word
    is as often a name as a slip). The spelling is the one the neighbours hold (`held_slip`),
    or, for letters that spell no syllable, the likeliest slip (`typo_evidence.likeliest_slip`).

    - Typed with marks the index never prints, its letters held next to a neighbour at least
      as often as the candidate it would be taken as ("Đà Nẳng": "đà nang" in 2,036 articles,
      "đa dạng" in 1,314; "Bình Dưong": 1,390 to 26): "marks", a slip of the tone (hỏi for
      ngã) or of a vowel's mark, not of a letter (it was taken as "Đà Dạng", "Bình Dưng").

    - Typed with marks the index never prints ("bệnh nhâ", "khó khă" → "nhân", "khăn"):
      taken. A printed marked word ("củ tọa") may be a name. Issue 11's typo-accented form:
      keywords 0.9017 -> 0.9032, initialisms 0.7627 -> 0.7717, vinewsqa 0.7912 -> 0.7906 (each
      query it moved now ranks as its accented form does), then 0.7913 with the "đ" a slip may
      bring back (`misspellings.printed_carried`). Where its letters spell no syllable either
      ("căn ặdn": "adn" is no word, yet matched in full it found articles about DNA),
      "unspelled" (below): stop 46, keywords typed with marks and one slip over news-50k
      0.7281 -> 0.7337, 300 fresh ones 0.6727 -> 0.6738; legal/typo-accented 0.8139 -> 0.8118
      (one question, whose slip had found its article first where typed right it is 4th).
    - Held SLIP_RARITY times less often than the candidate ("than hin" for "thân hình", "tự
      siết bệnh" for "biết", "ati" for "tại"): one this rare beside one this common that fits
      its place is mostly a slip. In a long query (SHORT_QUERY+ words) taken: headlines/typo,
      typo-accented, typo-keys +0.0013 each, vinewsqa/typo 0.7909 -> 0.7919, typo-accented
      0.7913 -> 0.7917 (30x the same or less, 300x nothing). In a short one taking it lost
      (keywords-50k/typo 0.619 -> 0.616, keywords/typo-keys -0.004: a keyword search's rare
      word is more often what is meant), so there it is only shown: over news-50k, one-typo
      keyword queries shown exactly as meant 0.347 -> 0.433 (typo-keys 0.520 -> 0.610, typed
      with marks 0.593 -> 0.653), no ranking changed, no correct query given a suggestion.
      There the rarity is weighed against the word shown (`held_slip`), not the context's
      first: `tham nhun` was offered nothing, its first "nhựa" (after "thảm") being rare too,
      where "tham nhũng" is in 629 articles (stop 71: keywords-50k typo-accented shown exactly
      as meant 0.727 -> 0.730, no rank moved; in long queries it moved 8 down, 0 up).
      Not for a word the index holds next to a neighbour (a short query's suspect too:
      `typo_evidence.chance_pairs`): that pair, however rare, is most often a name typed
      as meant, and showing it corrected cost three right keyword queries (stop 40).
    - The same rare word in a short query, where its letters spell no syllable ("ha noi bna
      lo", "xe hco do chu", "doanh nghiep trung adm": `spells_no_syllable`): "unspelled",
      taken as the candidate with the most pairs weighed by how likely the slip is
      (`typo_evidence.likeliest_slip`: "bán", two letters swapped, over "ba"), the letters as
      typed matched at the typo weight. Stop 46, one typo, over news-50k: keywords 0.6665 ->
      0.6826, typed with marks 0.7273 -> 0.7281, as keystrokes 0.7458 -> 0.7488; 300 fresh
      keyword queries 0.6855 -> 0.6982, 0.6700 -> 0.6727, 0.6847 -> 0.6871; news-2k keywords
      0.9179 -> 0.9201. With two-letter words too ("bt", "tr": as often abbreviations),
      keywords/typo-keys lost 0.0017; in long queries nothing gained (legal typo-accented
      -0.001). Not where the archive prints the letters as a name, with marks (typed so or
      not: `printed_name`, "vang nie" and "vàng niê" for "H'Ăng Niê"): on 300 keyword
      queries nobody tuned on (`bench/make_queries.py --seed 20261204`) over news-50k, one
      typo 0.6188 -> 0.6260, typed with marks 0.6999 -> 0.7023, as keystrokes 0.6757 ->
      0.6783, accented and plain unchanged (without it: "vàng niê" lost its article, accented
      and plain -0.0017). Such a name is not shown corrected either ("vang nie" was offered
      "vàng niêm"; now the restoration's "vàng Niê").
    - In a long query, the candidate it is taken as (`held_slip`) held next to a neighbour in
      SLIP_PAIR_SHARE of the index's articles, where the word stands next to neither: one of
      the archive's commonest pairs is one edit away ("ben nhan" → "bệnh nhân", "khao hoc" →
      "khoa học", "tham tia" → "tham gia"), however common the word is alone ("bên"). Taken
      (stop 33): vinewsqa/typo 0.7941 -> 0.7958, questions/typo-keys +0.0005, keywords/framed
      +0.0006, nothing down; over news-50k no rank moved (0.03 moved a headline down).
    - Otherwise, in a short query, a candidate that reads better between the neighbours by
      SHOWN_ODDS, read jointly (`typo_evidence.reading_odds`): "shown". `thanh tra toa dien`
      (held next to a neighbour, as `_may_read_otherwise` suspects it) was offered "tòa diễn",
      `hop tac thong mai` "thông Mai", `cuoc son` (next to neither, no rarer than SLIP_RARITY
      times "sống") "cuộc Sơn". Stop 79, over news-50k, the keywords set and two sets nobody
      tuned on (`bench/make_queries.py --seed 20261208`, `--seed 20261209`), one-typo queries
      shown exactly as meant, typed plain 0.537 -> 0.570, 0.570 -> 0.610, 0.557 -> 0.583, with
      marks 0.730 -> 0.757, 0.690 -> 0.700, 0.677 -> 0.697 (news-2k's keywords 0.570 -> 0.577);
      no query typed with marks shown changed, one typed plain ("hoa dam tru te": "trâu"), no
      rank moved. At odds of e^5, more shown right, and right queries changed (`mat cu toi` →
      "của", `thuy dien ca nan` → "các nhân"). Read as `reading_better` reads (the first word
      without its own count), an archive's typo was offered ("qunah mốc").
    - Otherwise, in a short query, the candidate that reads best between the neighbours, read
      jointly, where it reads better by SLIP_ODDS and stands next to one (`_hint`), unless
      the letters are printed as a name (`printed_name`: "vang nie"): "hinted", shown only
      where the hits print it next to a neighbour and never the word as typed
      (`didyoumean.hinted_meanings`). `xe but` was offered "xe bút", a pair no article
      prints, `hop tac thong mai` "thông Mai", `truy mah` and `malaysia at tich` nothing.
      Stop 80, one-typo keyword queries shown exactly as meant, typed plain / with marks:
      over news-50k 0.570 / 0.757 -> 0.657 / 0.787, two sets nobody tuned on 0.610 / 0.700
      -> 0.677 / 0.750 and 0.583 / 0.697 -> 0.637 / 0.750, news-2k 0.577 / 0.780 -> 0.643 /
      0.830; no query typed right shown changed, no rank moved. Shown without the hits'
      word, 58 of those 900 queries typed right were changed (`huynh lap doa` → "đoàn", `mu
      linh hon` → "my"), 54 of them at a word held next to a neighbour."""
    held = held_slip(slipped, words, i, support)  # (the neighbours' pairs are counted already)
    unspelled = spells_no_syllable(tok.folded)

    def unspelled_or(sure: Literal["taken", "shown"]) -> tuple[Literal["taken", "unspelled", "shown"], str]:
        likeliest = likeliest_slip(slipped, words, i, support.pair_df) if unspelled else None
        return ("unspelled", likeliest) if likeliest else (sure, held)

    if tok.exact != tok.folded and not printed_either_way(tok.exact, support):
        if pair_docs(words, i, words[i], support.pair_df) >= max(1, pair_docs(words, i, held, support.pair_df)):
            return "marks", held
        return unspelled_or("taken")
    if meaning.changed:
        return None, held
    long = len(words) >= SHORT_QUERY
    alone = not pair_docs(words, i, words[i], support.pair_df)
    if alone and support.df(tok.folded) * SLIP_RARITY <= support.df(slipped[0] if long else held):
        if long:
            return "taken", held
        if unspelled and printed_name(tok.folded, support, restorer):
            return None, held  # a name ("vang nie", "vàng niê"): neither taken nor shown corrected
        return unspelled_or("shown")
    if long and pair_docs(words, i, held, support.pair_df) >= SLIP_PAIR_SHARE * support.documents:
        return "taken", held
    if long:
        return None, held
    # each candidate read once, jointly: `held` is one of them
    odds = {c: reading_odds(words, i, c, support.df, support.pair_df, joint=True) for c in slipped}
    if odds[held] >= SHOWN_ODDS:
        return "shown", held
    if (hint := _hint(odds, words, i, support)) and not printed_name(tok.folded, support, restorer):
        return "hinted", hint
    return None, held


def _hint(odds: dict[str, float], words: Sequence[str], i: int, support: Support) -> str | None:
    """Of word i's slip candidates, read against the word as typed (`odds`:
    `typo_evidence.reading_odds`, jointly), the one that reads best, where it reads better by
    SLIP_ODDS and stands next to a neighbour: "did you mean" shows it if the hits print it so
    and never the word as typed (`didyoumean.hinted_meanings`)."""
    best = max(odds, key=odds.__getitem__)  # (on a tie, the first candidate)
    return best if odds[best] >= SLIP_ODDS and pair_docs(words, i, best, support.pair_df) else None


def foreign_name_parts(
    tokens: Sequence[Syllable],
    understood: Sequence[Meaning],
    slips: Sequence[Sequence[str]],
    words: Sequence[str],
    support: Support,
    restorer: Restores | None,
) -> set[int]:
    """The words `slip_sureness` would take as "unspelled" (letters that spell no syllable, held a
    hundred times less than a spelling one slip away) that stand beside another such word. A
    slip makes one; two side by side are a foreign name's parts: `ho yeon jung`, an actress
    named after news-50k was written, was read and shown "họ yên cũng", each part taken as a
    slip. Beside a word that is no slip ("phia anm syria"), a slip is still read."""
    letters = {i for i, tok in enumerate(tokens) if spells_no_syllable(tok.folded)}  # (each "unspelled" is)
    unspelled = {
        i for i in letters
        if (i - 1 in letters or i + 1 in letters) and slips[i]
        and slip_sureness(tokens[i], understood[i], slips[i], words, i, support, restorer)[0] == "unspelled"
    }
    return {i for i in unspelled if i - 1 in unspelled or i + 1 in unspelled}


def spells_no_syllable(folded: str) -> bool:
    """Letters of three or more that no marking makes a Vietnamese syllable ("bna", "hco",
    "adm"; `keyboard.could_be_syllable`). Two letters are as often an abbreviation ("bt", "tr")."""
    return len(folded) >= 3 and not could_be_syllable(folded)


def printed_name(folded: str, support: Support, restorer: Restores | None) -> bool:
    """Whether the archive prints these letters as a name in Vietnamese script: capitalized and
    with marks (as the restoration model reads them), in more than half the articles that hold
    them ("Niê": all 14 articles of news-50k holding "nie"). Its own typos are printed so
    seldom ("Tẻh": 3 of 7), in lowercase ("đnag", "ddiễn") or in one place ("Syỉa")."""
    reading = restorer.restore([folded]) if restorer is not None else None
    if not reading or not has_marks(reading[0]) or not reading[0][:1].isupper():
        return False
    printed = canonical_syllable(reading[0])  # and printed beyond a large archive's noise: not "Syỉa", once
    return support.printed(printed) and 2 * support.printed_count(printed) > support.df(folded)


def held_slip(slipped: Sequence[str], words: Sequence[str], i: int, support: Support) -> str:
    """The slip candidate word i is meant as, shown or taken (`slip_sureness`), or the typo
    candidate a word the index lacks is shown as when none is taken (`_understood_words`: "người
    nah" was offered "người nấu", "Việt aNm" "Việt ẩm", "kao nhiêu" "kéo nhiêu"): the first, as
    the context ranks them (`TypoIndex.in_context` weighs a pair against how common the
    candidate is), unless another is held SHOWN_HELD times as often next to the word's
    neighbours: then that is what was meant ("veit tại Mỹ": "vịt" fits "tại" as well for its
    rarity, "Việt" is held there 129 times to 3; "tình trạn": "trạc" 10 times, "trạng" 4,356).
    Shown (short queries): over news-50k, one-typo keyword queries shown exactly as meant 0.433
    -> 0.447, typed with marks 0.653 -> 0.660; news-2k's 0.513 -> 0.517. Taken (stop 32): no
    harness ranking moved; the harness's typo-accented suggestions, 10 changed: 7 became right
    ("sư phụ", "tâm lý", "đây là", "được" twice, "hiện tại", "đề nghị"), 3 wrong ("dương dật"
    → "đây", where "đây là" outweighs "dương vật"; "năm nàs" → "nay"; "tôd chết" → "tôi").
    Shown for a typo (stop 33): no rank moved; one-typo queries shown exactly as meant, typed
    plain / with marks: keywords 0.557 / 0.763 → 0.560 / 0.763, headlines – / 0.613 → 0.640,
    vinewsqa 0.096 / 0.680 → 0.102 / 0.696, questions – / 0.623 → 0.650, over news-50k 0.460 /
    0.680 → 0.463 / 0.687."""
    held = [sum(neighbour_pairs(words, i, c, support.pair_df)) for c in slipped]
    best = max(range(len(slipped)), key=lambda k: (held[k], -k))
    return slipped[best] if held[best] >= SHOWN_HELD * max(1, held[0]) else slipped[0]


def taken_slip(
    meaning: Meaning, slipped: Sequence[str], best: str, typed: str, support: Support, typed_weight: float = 1.0
) -> Meaning:
    """`meaning` taken as `best`, its likeliest slip candidate (`held_slip`), as a
    mistyped word is (`_understood_words`): that leads at TAKEN_WEIGHT (so pairs read it) and is
    shown, with marks typed carried over to it as its exact form. The letters as typed still
    match, in full (a wrong tone on the right letters, "nguy hiễm", is as common) or at
    `typed_weight` where they spell no syllable (`slip_sureness`)."""
    rest = [c for c in slipped if c != best]
    as_typed = tuple((f, min(w, typed_weight)) for f, w in meaning.forms)
    forms = (*new_forms(meaning, [best], TAKEN_WEIGHT), *as_typed, *new_forms(meaning, rest, SUGGESTED_WEIGHT))
    carried = printed_carried(typed, best, support) if has_marks(typed) else None
    return replace(meaning, forms=forms, exact=carried or meaning.exact, shown=best, how="typo")


def names_only(tok: Syllable, slipped: list[str], text: str, restorer: Restores | None) -> list[str]:
    """The slip candidates of a word typed as a name (`typed_name`) that are names too: "Osama"
    may be a slip of "Obama", "Macro" of "Macron", "Trump" is none of "trùm" (all of them lost,
    `ông Osama` found Abu Sayyaf: bug hunt 74)."""
    if not slipped or not typed_name(tok, text, restorer):
        return slipped
    assert restorer is not None  # (`typed_name` says no without it)
    return [c for c in slipped if (reading := restorer.restore([c])) and reading[0][:1].isupper()]


def typed_name(tok: Syllable, text: str, restorer: Restores | None) -> bool:
    """A word typed with a capital, not the query's first, as the archive prints a name: the
    restoration model reads its letters capitalized and in the marks typed ("Trump", "Nga").
    No slip of a common word: `vợ Trump` matched "trùm" too, and put first "Vợ trùm khủng bố…",
    which never names Trump (bug hunt 73)."""
    typed = text[tok.start : tok.end]
    if restorer is None or not typed[:1].isupper() or typed.isupper() or not text[: tok.start].strip():
        return False
    if not has_vowel(tok.folded):  # "Việt Nm": a slip of "Nam", whatever "NM" is
        return False
    reading = restorer.restore([tok.folded])
    return bool(reading) and reading[0][:1].isupper() and canonical_syllable(reading[0]).lower() == tok.exact
