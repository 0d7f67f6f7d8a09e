"""Keyboard-off decoding and gating, measured on a corpus (issue 12).

    python bench/keyboard.py [--corpus ../shared/corpus/news-2k.jsonl] [--top 3000] [--phrases 200]
                             [--big ../shared/corpus/news-50k.jsonl.gz]

(a) decoding accuracy on the most frequent accented syllables, Telex and VNI, tone key at the end
    or right after its vowel (encoded with keyboard.encode_*, then decoded);
(b) plain-ASCII words of the corpus that the decoders change (why decoding is gated);
(c) `understand` with a Support counted from the corpus (also without each phrase's article,
    and with --big from a bigger corpus): short title phrases typed in Telex / VNI (share
    restored exactly), and English words / names (share left raw);
(e) the same phrases in Telex with one mistyped key in one word: share whose folded reading is
    recovered by understand() alone, then with typo candidates (TypoIndex.in_context) looked up
    with WordChoice.folded_forms, then with WordChoice.typo_keys (adds the base letters).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import string
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

from indexer import keyboard
from indexer.analysis import canonical_cased, fold, has_marks, normalize_text, tokenize
from indexer.keyboard import base_letters, decode_telex, decode_vni, encode_telex, encode_vni, readings, understand
from indexer.misspellings import typo_candidates
from indexer.support import DictSupport
from indexer.typos import TypoIndex

_ENGLISH = """
virus corona, teen, gas, Facebook, iPhone X, Messi, sex, Google, YouTube, Samsung Galaxy,
Apple, Donald Trump, Barack Obama, Putin, Real Madrid, Manchester United, Chelsea, Arsenal,
Liverpool, Ronaldo, email, online, game, show, fan, idol, selfie, smartphone, laptop, taxi,
bar, pub, club, hot, sale, Uber, Grab, Honda, Toyota, World Cup, Euro, AFF Cup, SEA Games,
Microsoft, Windows, Android, Twitter, Instagram, TikTok, Netflix
"""
ENGLISH = [q.strip() for q in _ENGLISH.replace("\n", " ").split(",")]


def articles(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def text_of(a: dict) -> str:
    return normalize_text("\n".join(str(a.get(k) or "") for k in ("title", "lead", "body")))


def decoding(tokens: Counter[str], top: int) -> None:
    accented = [w for w, _ in tokens.most_common() if w.isalpha() and has_marks(w)][:top]
    total = sum(tokens[w] for w in accented)
    print(f"(a) decoding, {len(accented)} most frequent accented syllables ({total:,} tokens)")
    for name, encode, decode in (("telex", encode_telex, decode_telex), ("vni", encode_vni, decode_vni)):
        for after in (False, True):
            misses = [w for w in accented if decode(encode(w, after)) != w]
            by_tokens = 1 - sum(tokens[w] for w in misses) / total
            where = "after vowel" if after else "at end"
            print(
                f"    {name:5} tone {where:11}: {1 - len(misses) / len(accented):.2%} of syllables, "
                f"{by_tokens:.2%} of tokens; misses e.g. {misses[:8]}"
            )


def ascii_changes(surfaces: Counter[str], top: int) -> None:
    words = [w for w in surfaces if w.isascii() and w.isalpha()]
    frequent = [w for w, _ in surfaces.most_common(top * 3) if w.isascii() and w.isalpha()]
    print(f"(b) plain-ASCII words changed by decoding ({len(words):,} distinct, lowercased)")
    for name, decode in (("telex", decode_telex), ("vni", decode_vni)):
        changed = [w for w in words if decode(w) not in (None, w)]
        top_changed = [w for w in frequent if decode(w) not in (None, w)]
        share = sum(surfaces[w] for w in changed) / sum(surfaces[w] for w in words)
        print(
            f"    {name:5}: {len(changed):,} of {len(words):,} distinct ({len(changed) / len(words):.1%}, "
            f"{share:.2%} of ASCII tokens); among the {len(frequent)} most frequent: {len(top_changed)} "
            f"e.g. {[(w, decode(w)) for w in top_changed[:8]]}"
        )


def phrases(docs: list[dict], n: int, rng: random.Random) -> list[tuple[int, list[str]]]:
    """(article number, 2-5 adjacent words of its title with at least one accented)."""
    out: list[tuple[int, list[str]]] = []
    order = list(range(len(docs)))
    rng.shuffle(order)
    for i in order:
        title = normalize_text(docs[i].get("title") or "")
        toks = [t for t in tokenize(title) if not t.alias]
        runs: list[list[str]] = [[]]
        for t in toks:
            surface = title[t.start : t.end]
            if not surface.isalpha() or not t.joined:
                runs.append([])
            if surface.isalpha():
                runs[-1].append(surface)
        runs = [r for r in runs if len(r) >= 2 and any(has_marks(w) for w in r)]
        if not runs:
            continue
        run = rng.choice(runs)
        length = rng.randint(2, min(5, len(run)))
        start = rng.randint(0, len(run) - length)
        out.append((i, run[start : start + length]))
        if len(out) == n:
            break
    return out


def ascii_runs(docs: list[dict], n: int, rng: random.Random) -> list[list[str]]:
    """2-4 adjacent plain-ASCII words of the corpus (English, names) around one that Telex
    decoding changes ("Mary Lee" → "Mary Lê"): the cases the gate exists for."""
    found: list[list[str]] = []
    for a in docs:
        text = text_of(a)
        run: list[str] = []
        for t in [*tokenize(text), None]:
            surface = text[t.start : t.end] if t is not None else ""
            if t is not None and not t.alias and surface.isascii() and surface.isalpha() and (t.joined or not run):
                run.append(surface)
                continue
            hits = [i for i, w in enumerate(run) if decode_telex(w) not in (None, w)]
            if len(run) >= 2 and hits:
                i = rng.choice(hits)
                start = rng.randint(max(0, i - 2), min(i, len(run) - 2))
                found.append(run[start : start + rng.randint(2, 4)])
            run = [surface] if t is not None and surface.isascii() and surface.isalpha() else []
    rng.shuffle(found)
    return found[:n]


def resolve(typed: list[str], support: DictSupport, index: TypoIndex, typos: bool) -> list[str]:
    """Folded words searched for: understand(), then with `typos` the first of typo_candidates()
    for words the index knows in none of their forms."""
    understood = understand(typed, support)
    out = [c.chosen.folded for c in understood.words]
    if typos:
        for i, found in enumerate(typo_candidates(understood, support, index)):
            if found:
                out[i] = found[0]
    return out


def keystroke_typos(sample: list[list[str]], support: DictSupport, rng: random.Random) -> None:
    index = TypoIndex(support.syllables)
    cases = []
    for phrase in sample:
        typed = [encode_telex(w, rng.random() < 0.5) for w in phrase]
        i = max(range(len(typed)), key=lambda k: (len(typed[k]), rng.random()))
        typed[i] = typo(typed[i], rng)
        cases.append((typed, [fold(w) for w in phrase]))
    report = []
    for name, typos, letters in (
        ("understand() only", False, True),
        ("+ typo_candidates without base letters", True, False),
        ("+ typo_candidates", True, True),
    ):
        if not letters:  # the ablation: typo_keys without the base letters
            keyboard.base_letters = fold
        try:
            ok = sum(resolve(typed, support, index, typos) == want for typed, want in cases)
        finally:
            keyboard.base_letters = base_letters
        report.append(f"{name} {ok / len(cases):.1%}")
    print(f"(e) {len(cases)} Telex phrases with one mistyped key, folded reading recovered: " + "; ".join(report))


def typo(word: str, rng: random.Random) -> str:
    letters = string.ascii_lowercase
    i = rng.randrange(len(word))
    kind = rng.choice(["sub", "del", "ins", "swap"]) if len(word) > 1 else "ins"
    if kind == "sub":
        return word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    if kind == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def typed_phrases(sample: list[list[str]], rng: random.Random) -> dict[str, list[tuple[list[str], list[str]]]]:
    """(typed, meant) per scheme and tone style: all words typed raw, or 60% (mixed)."""
    out: dict[str, list[tuple[list[str], list[str]]]] = {}
    for name, encode in (("telex", encode_telex), ("vni", encode_vni)):
        for style in ("end", "after vowel", "mixed"):
            cases = out[f"{name:5} tone {style:11}"] = []
            for phrase in sample:
                typed = []
                for w in phrase:
                    if style == "mixed" and rng.random() < 0.4:
                        typed.append(w)  # typed with the IME on
                    else:
                        typed.append(encode(w, style == "after vowel" or (style == "mixed" and rng.random() < 0.5)))
                cases.append((typed, [canonical_cased(w) for w in phrase]))
    return out


def targeted_support(path: Path, queries: list[list[str]]) -> DictSupport:
    """Counts from a corpus too big for every pair in memory: all syllables, and only the pairs
    the readings of the queries' adjacent words can form."""
    needed: set[tuple[str, str]] = set()
    for words in queries:
        forms = [{r.folded for r in readings(w)} for w in words]
        needed.update((a, b) for x, y in pairwise(forms) for a in x for b in y)
    df: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for a in articles(path):
        toks = [t for t in tokenize(text_of(a)) if not t.alias]
        df.update({t.folded for t in toks})
        pairs.update({p for p in ((x.folded, y.folded) for x, y in pairwise(toks) if y.joined) if p in needed})
    return DictSupport(df, pairs)


def gating(docs: list[dict], n: int, big: Path | None) -> None:
    t0 = time.perf_counter()
    support = DictSupport.from_texts(text_of(a) for a in docs)
    print(f"(c) gating; Support counted from {len(docs):,} articles in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(12)
    picked = phrases(docs, n, rng)
    sample = [words for _, words in picked]
    held = {i for i, _ in picked}
    cases = typed_phrases(sample, rng)
    runs = ascii_runs(docs, n, rng)
    english = [q.split() for q in ENGLISH]
    holdout = DictSupport.from_texts(text_of(a) for i, a in enumerate(docs) if i not in held)
    supports = [("all articles", support), ("each phrase's article held out", holdout)]
    if big:
        queries = [typed for typed_cases in cases.values() for typed, _ in typed_cases] + runs + english
        supports.append((f"{big.name} (pairs counted for these queries only)", targeted_support(big, queries)))
    for label, counts in supports:
        print(f"    Support from {label}:")
        for style, typed_cases in cases.items():
            exact = words_ok = words_total = 0
            failures = []
            for typed, want in typed_cases:
                got = [c.chosen.text for c in understand(typed, counts).words]
                ok = [g == w for g, w in zip(got, want, strict=True)]
                words_ok += sum(ok)
                words_total += len(ok)
                exact += all(ok)
                if not all(ok):
                    failures.append((" ".join(typed), " ".join(got), " ".join(want)))
            print(
                f"      {style}: {exact}/{len(typed_cases)} phrases restored exactly "
                f"({exact / len(typed_cases):.1%}), words {words_ok / words_total:.1%}; e.g. {failures[:3]}"
            )
        kept = [r for r in runs if not understand(r, counts).changed]
        changed = [(" ".join(r), understand(r, counts).text) for r in runs if r not in kept]
        print(
            f"      ASCII runs of the corpus holding a word Telex changes: {len(kept)}/{len(runs)} left raw "
            f"({len(kept) / len(runs):.1%}); changed e.g. {changed[:6]}"
        )
        left = [q for q in english if not understand(q, counts).changed]
        changed = [(" ".join(q), understand(q, counts).text) for q in english if q not in left]
        print(f"      English words / names left raw: {len(left)}/{len(english)}; changed: {changed}")
    keystroke_typos(sample, support, rng)
    t0 = time.perf_counter()
    for phrase in sample:
        understand([encode_telex(w) for w in phrase], support)
    print(f"    understand(): {(time.perf_counter() - t0) / len(sample) * 1000:.2f} ms per phrase (dict Support)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus/news-2k.jsonl"))
    ap.add_argument("--top", type=int, default=3000)
    ap.add_argument("--phrases", type=int, default=200)
    ap.add_argument("--big", type=Path, help="also gate with counts from this corpus (e.g. news-50k.jsonl.gz)")
    args = ap.parse_args()
    docs = articles(args.corpus)
    tokens: Counter[str] = Counter()  # exact (canonical lowercase) syllables
    surfaces: Counter[str] = Counter()  # lowercased surfaces, for the ASCII count
    for a in docs:
        text = text_of(a)
        for t in tokenize(text):
            if not t.alias:
                tokens[t.exact] += 1
                surfaces[text[t.start : t.end].lower()] += 1
    decoding(tokens, args.top)
    ascii_changes(surfaces, args.top)
    gating(docs, args.phrases, args.big)


if __name__ == "__main__":
    main()
