"""Regenerate indexer/data/restoration-general.json.gz, the general "did you mean" model that
ships with vnsearch, from redistributable public sources only (never from ../shared, whose
texts we may not redistribute).

Sources, fetched by pip from PyPI at pinned versions (wheels are read as zip files, nothing is
installed or imported from them):
- wordfreq 3.1.1, `small_vi` word list (Wikipedia, OpenSubtitles and web text): syllable
  frequencies. Data licence CC BY-SA 4.0 (code Apache-2.0).
- pyvi 0.1.1, `models/words.txt`: 31k Vietnamese dictionary words, 25k of them of 2+
  syllables. MIT.
- Faker 40.63.0, `vi_VN` providers: provinces, districts, streets, person names, jobs... MIT.
- CLDR through the ICU that PyICU links: Vietnamese names of countries and languages.
  Unicode License v3.

The model is the same shape as an index's ReadingCounter: syllable counts and adjacent-pair
counts by printed form (case kept, old-style tone placement). Unigram counts are wordfreq
frequencies per 10 million syllables; a pair counts how many dictionary words and names hold
it. The output is licensed CC BY-SA 4.0 (the wordfreq share), see indexer/data/NOTICE.md.

    python bench/make_restoration_model.py            # fetch the wheels with pip, write the model
    python bench/make_restoration_model.py --wheels DIR   # use wheels already in DIR
"""

from __future__ import annotations

import argparse
import ast
import gzip
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import icu
import msgpack

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.analysis import canonical_cased, fold, has_marks, tokenize  # noqa: E402

OUT = REPO / "indexer" / "data" / "restoration-general.json.gz"
PINS = ["wordfreq==3.1.1", "pyvi==0.1.1", "Faker==40.63.0"]
PER = 10_000_000  # unigram counts are frequencies per this many syllables
MIN_COUNT = 1  # wordfreq's small list stops at 1e-6, i.e. 10 per 10 million


def fetch_wheels(folder: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), *PINS],
        check=True,
    )


def _wheel(folder: Path, prefix: str) -> zipfile.ZipFile:
    found = sorted(folder.glob(f"{prefix}-*.whl"))
    if not found:
        raise SystemExit(f"no {prefix} wheel in {folder}")
    return zipfile.ZipFile(found[-1])


def wordfreq_unigrams(folder: Path) -> Counter[str]:
    """wordfreq's cB format: a list whose i-th bucket holds the words of frequency 10^(-i/100)."""
    with _wheel(folder, "wordfreq") as whl:
        raw = gzip.decompress(whl.read("wordfreq/data/small_vi.msgpack.gz"))
    buckets = msgpack.unpackb(raw, raw=False)
    counts: Counter[str] = Counter()
    for i, bucket in enumerate(buckets[1:], start=1):
        for word in bucket:
            if not _is_syllable(word):
                continue
            n = round(PER * 10 ** (-i / 100))
            if n >= MIN_COUNT:
                counts[canonical_cased(word)] += n
    return counts


def _is_syllable(word: str) -> bool:
    return word.isalpha() and len(word) <= 8 and fold(word).isascii()


def pyvi_words(folder: Path) -> list[str]:
    with _wheel(folder, "pyvi") as whl:
        return whl.read("pyvi/models/words.txt").decode("utf-8").split("\n")


def faker_phrases(folder: Path) -> list[str]:
    """Every string literal of Faker's vi_VN providers that holds a Vietnamese letter or a
    space (names, places, jobs; format strings with placeholders are skipped)."""
    phrases: list[str] = []
    with _wheel(folder, "faker") as whl:
        for name in sorted(whl.namelist()):
            if "/vi_VN/" not in name or not name.endswith(".py"):
                continue
            tree = ast.parse(whl.read(name).decode("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = node.value
                    if "{" in text or "%" in text or "#" in text or "\n" in text:
                        continue
                    phrases.append(text)
    return phrases


def cldr_phrases() -> list[str]:
    """Vietnamese names of countries, languages, scripts, time zones and weekdays, and spelled-out
    numbers, from the CLDR data of the ICU that PyICU links."""
    vi = icu.Locale("vi")
    names = [icu.Locale("", code).getDisplayCountry(vi) for code in icu.Locale.getISOCountries()]
    names += [icu.Locale(code).getDisplayLanguage(vi) for code in icu.Locale.getISOLanguages()]
    names += [icu.Locale(f"und_{s}").getDisplayScript(vi) for s in ("Latn", "Hans", "Hant", "Cyrl", "Arab", "Grek")]
    zones = sorted(set(icu.TimeZone.createEnumeration()))
    names += [
        icu.TimeZone.createTimeZone(z).getDisplayName(daylight, icu.TimeZone.LONG, vi)
        for z in zones
        for daylight in (False, True)
    ]
    names += list(icu.DateFormatSymbols(vi).getWeekdays())
    spell = icu.RuleBasedNumberFormat(icu.URBNFRuleSetTag.SPELLOUT, vi)
    names += [
        spell.format(n) for n in [*range(1, 101), *range(100, 1001, 50), 1999, 2017, 10_000, 35_000, 10**6, 10**9]
    ]
    return [n for n in dict.fromkeys(names) if has_marks(n)]


def count_phrases(phrases: list[str], unigrams: Counter[str]) -> tuple[Counter[str], Counter[str]]:
    """Adjacent pairs of syllables inside each phrase, and a floor count for syllables the
    frequency list misses (rare name syllables)."""
    pairs: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for phrase in dict.fromkeys(p.strip() for p in phrases if p.strip()):
        prev = ""
        for tok in tokenize(phrase):
            surface = canonical_cased(phrase[tok.start : tok.end])
            if tok.alias or not _is_syllable(surface):
                prev = ""
                continue
            if canonical_cased(surface.lower()) not in unigrams:
                extra[surface.lower()] = MIN_COUNT
            if prev and tok.joined:
                pairs[f"{prev} {surface}"] += 1
            prev = surface
    return pairs, extra


def build(folder: Path) -> dict[str, object]:
    unigrams = wordfreq_unigrams(folder)
    phrases = pyvi_words(folder) + faker_phrases(folder) + cldr_phrases()
    pairs, extra = count_phrases(phrases, unigrams)
    unigrams.update(extra)
    return {
        "source": (
            "wordfreq 3.1.1 small_vi (CC BY-SA 4.0); pyvi 0.1.1 words.txt (MIT); "
            f"Faker 40.63.0 vi_VN (MIT); CLDR via ICU {icu.ICU_VERSION} (Unicode License v3)"
        ),
        "per": PER,
        "unigrams": dict(sorted(unigrams.items())),
        "bigrams": dict(sorted(pairs.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, help="folder with the pinned wheels (default: pip download)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wheels or Path(tmp)
        if args.wheels is None:
            fetch_wheels(folder)
        model = build(folder)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    args.out.write_bytes(buf.getvalue())
    print(
        f"{args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}: "
        f"{len(model['unigrams'])} syllables, {len(model['bigrams'])} pairs, "  # type: ignore[arg-type]
        f"{args.out.stat().st_size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
