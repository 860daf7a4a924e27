"""The four seed plans, encoded: faithful metadata, and nothing of their text lost."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from cchc.content.loader import load_corpus
from conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
PLAN_OF_SEED = {"000": "hai-hau-2023", "001": "son-kim-1-2021", "002": "ben-tre-2021", "004": "ninh-thuan-2024"}


@pytest.fixture(scope="module")
def corpus():
    corpus, problems = load_corpus(ROOT)
    assert not problems, problems.report()
    return corpus


def words(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[*#|_>]", " ", text.replace("\\.", "."))
    return " ".join(text.split())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
@pytest.mark.parametrize("seed, plan_id", PLAN_OF_SEED.items())
def test_every_line_of_the_seed_is_in_the_plan_text(corpus, seed, plan_id):
    source = next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    body = words(corpus.plans[plan_id].body)
    for line in source.split("\n"):
        for cell in line.split("\t"):
            if words(cell):
                assert words(cell) in body, cell


def test_plan_body_is_normalised_to_nfc(corpus):
    assert unicodedata.is_normalized("NFC", corpus.plans["son-kim-1-2021"].body)


def test_ben_tre_appendix_targets_are_encoded(corpus):
    plan = corpus.plans["ben-tre-2021"]
    assert plan.number == "105/KH-UBND" and plan.issued == date(2020, 12, 30)
    assert len(plan.targets) == 13
    by_ref = {t.ref: t for t in plan.targets}
    newspaper = by_ref["PL.4"]
    assert (newspaper.count, newspaper.cadence, newspaper.leads) == (24, "hang-thang", ("bao-dong-khoi",))
    assert newspaper.channels == ("bao-in", "bao-dien-tu") and newspaper.types == ("bai",)
    assert by_ref["PL.5"].start == date(2020, 12, 1) and by_ref["PL.5"].end == date(2021, 1, 31)
    assert by_ref["PL.7"].count == 12 and by_ref["PL.7"].channels == ("phat-thanh",)
    assert by_ref["PL.6"].unlimited and by_ref["PL.6"].count is None
    assert by_ref["PL.10"].start == date(2021, 4, 1) and by_ref["PL.10"].end == date(2021, 9, 30)
    assert by_ref["PL.13"].count is None and not by_ref["PL.13"].unlimited


def test_the_plans_mandate_the_six_pillars_and_the_indexes(corpus):
    mandated = {t for plan in corpus.plans.values() for item in plan.content for t in item.topics}
    for pillar in ("cai-cach-the-che", "thu-tuc-hanh-chinh", "to-chuc-bo-may", "che-do-cong-vu", "tai-chinh-cong", "chinh-phu-so"):
        assert pillar in mandated
    indexes = corpus.topic_subtree("chi-so-danh-gia")
    assert {"par-index", "papi", "sipas", "pci", "ddci", "dti"} <= indexes
    ninh_thuan = corpus.plans["ninh-thuan-2024"]
    assert ninh_thuan.reports == ("q1", "6m", "9m", "year") and len(ninh_thuan.indicators) == 4


def test_some_mandated_topics_are_deliberately_uncovered_by_the_sample(corpus):
    covered = {a for item in corpus.published() for t in item.topics for a in corpus.topic_ancestors(t)}
    uncovered = {t for plan in corpus.plans.values() for m in plan.content for t in m.topics if t not in covered}
    assert {"do-thi-thong-minh", "iso-9001", "tai-chinh-cong", "phan-anh-kien-nghi"} <= uncovered
    mandated = {t for plan in corpus.plans.values() for m in plan.content for t in m.topics}
    assert len(uncovered) < len(mandated) / 4  # most are covered
