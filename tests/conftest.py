"""Shared fixtures: a real index built from the shipped seed plus generated articles."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from indexer.search import SearchService

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SEED_ID = "000_731bbc153429bd94"

# Generated articles (our own sentences, not corpus text): date spread for facets and sorting,
# "năm" vs "Nam" for diacritic preference, new-style tone marks, an abbreviation, and hostile
# markup that must come out escaped everywhere.
GENERATED = [
    {
        "id": "gen-nam-south",
        "title": "Gió mùa tràn về miền Nam",
        "published": "2020-01-15T08:00:00+07:00",
        "lead": "Miền Nam đón đợt gió mùa, Nam Bộ se lạnh về đêm.",
        "body": "Người dân Nam Bộ vui vẻ đón gió mát.\nThời tiết miền Nam dễ chịu.",
        "author": "Minh An",
    },
    {
        "id": "gen-nam-year",
        "title": "Tổng kết một năm làm việc",
        "published": "2021-06-02T09:30:00+07:00",
        "lead": "Một năm nhiều thử thách đã qua, năm mới nhiều kỳ vọng.",
        "body": "Cuối năm, cơ quan tổ chức tổng kết.\nKế hoạch năm sau được thông qua.",
        "author": "Thu Hà",
    },
    {
        "id": "gen-new-style",
        "title": "Thuỷ lợi Hoà Bình chuẩn bị mùa khô",
        "published": "2022-03-10T07:15:00+07:00",
        "lead": "Công ty thuỷ lợi tỉnh Hoà Bình kiểm tra hệ thống kênh mương, bảo đảm sức khoẻ người lao động.",
        "body": "Uỷ ban nhân dân tỉnh chỉ đạo rà soát các hồ chứa.",
        "author": "Quốc Huy",
    },
    {
        "id": "gen-ubnd",
        "title": "UBND thành phố họp phiên thường kỳ",
        "published": "2022-03-28T14:00:00+07:00",
        "lead": "UBND thành phố họp bàn kế hoạch phát triển giao thông.",
        "body": "Các sở ngành báo cáo tiến độ dự án cầu mới.",
        "author": None,
    },
    {
        "id": "gen-scattered",
        "title": "Quang cảnh phố Trần lưu giữ ký ức",
        "published": "2021-11-20T16:45:00+07:00",
        "lead": "Phố Trần Phú lưu giữ quang cảnh xưa.",
        "body": "Người dân lưu lại những bức ảnh về quang cảnh phố.",
        "author": "Lan Anh",
    },
    {
        "id": "gen-hostile",
        "title": "<script>window.__pwned=1</script> Tin thử nghiệm an toàn",
        "published": "2023-12-01T10:00:00+07:00",
        "lead": 'Đoạn dẫn có "><img src=x onerror="window.__pwned=2"> và thẻ <b>đậm</b> an toàn.',
        "body": "Nội dung <script>alert(1)</script> kiểm tra an toàn hiển thị.\n"
        "Liên kết javascript:alert(3) không được chạy.",
        "captions": ["Ảnh <img src=x onerror=alert(4)> minh họa an toàn"],
        "author": "<i>Tác giả</i>",
    },
]


def write_generated(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "generated.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for record in GENERATED:
            f.write(json.dumps({"source": "tests", "url": None, "captions": [], **record}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def fixture_inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("inputs")
    shutil.copytree(SEEDS, folder / "seeds")
    write_generated(folder / "generated")
    return [folder / "seeds", folder / "generated"]


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, fixture_inputs: list[Path]) -> Path:
    """A real index (seed + generated articles), built once per test session. Read-only:
    tests that rebuild or update must build their own."""
    from indexer.index import build_index

    root = tmp_path_factory.mktemp("index") / "ix"
    build_index(fixture_inputs, root, procs=1)
    return root


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present (fresh clone): corpus tests skipped")
    return SHARED_CORPUS


VOCAB = sorted({w.strip(".,;:()–-") for w in next(SEEDS.glob("*.txt")).read_text(encoding="utf-8").split()} - {""})


def synthetic_corpus(path: Path, n: int, seed: int = 7) -> Path:
    """n articles of seed vocabulary in random order: enough volume for a build that takes a
    few seconds, without needing ../shared."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            body = "\n".join(" ".join(rng.choices(VOCAB, k=60)) + "." for _ in range(6))
            record = {"id": f"syn-{i}", "title": " ".join(rng.choices(VOCAB, k=8)),
                      "lead": " ".join(rng.choices(VOCAB, k=25)), "body": body, "captions": [],
                      "published": None, "source": "synthetic"}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def small_service(tmp_path: Path, records: Sequence[dict]) -> SearchService:
    """A service over an index of just `records` (id, title, lead, body), for a case the seed
    fixture cannot make."""
    from indexer.index import build_index
    from indexer.search import SearchService

    (tmp_path / "in").mkdir()
    with (tmp_path / "in" / "a.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({"url": None, "author": None, "published": None, "captions": [], "source": "t", **r},
                               ensure_ascii=False) + "\n")
    build_index([tmp_path / "in"], tmp_path / "ix", procs=1)
    return SearchService(tmp_path / "ix")
