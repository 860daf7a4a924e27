"""The live preview reuses what an edit did not touch (related items, plan checks) from the previous load: the
views it derives are still exactly those a fresh load gives. Tested on a corpus large enough that most items
lie far from the edit, so the reuse itself is exercised, not only the fresh path."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from cchc.content.dates import parse_datetime
from cchc.content.loader import load_corpus
from cchc.plans.check import check_plan
from cchc.site.views import SiteViews

from conftest import ROOT, SAMPLE_NOW


def grown(corpus, copies: int):
    """The sample's items, each also copied `copies` times a few days apart under new slugs: a corpus of
    hundreds of items in the sample's topics, units and plans."""
    items = list(corpus.items)
    for n in range(1, copies + 1):
        items += [dataclasses.replace(i, slug=f"{i.slug}-{n}", src_uri=f"tin-tuc/{i.slug}-{n}.md",
                                      date=i.date - timedelta(days=3 * n)) for i in corpus.items]
    return dataclasses.replace(corpus, items=sorted(items, key=lambda i: (i.date, i.slug), reverse=True),
                               _published={})


def edited(corpus):
    """The same corpus after a preview's edit: one item retitled (a new object, as the item cache gives), one
    new item in the middle of its topics, one removed."""
    items = list(corpus.items)
    middle = len(items) // 2
    items[middle] = dataclasses.replace(items[middle], title="Tiêu đề đã sửa")
    items.insert(middle // 2, dataclasses.replace(items[middle // 2], slug="bai-moi-chen-giua", src_uri="tin-tuc/bai-moi.md"))
    del items[-10]
    return dataclasses.replace(corpus, items=sorted(items, key=lambda i: (i.date, i.slug), reverse=True),
                               _published={})


def related_slugs(views: SiteViews) -> dict[str, list[str]]:
    return {src: [r.slug for r in v.data["related"]] for src, v in views.views.items() if "item" in v.data}


def test_related_items_and_plan_checks_reused_after_an_edit_are_those_a_fresh_load_gives():
    now = parse_datetime(SAMPLE_NOW)
    before = grown(load_corpus(ROOT, now)[0], 8)
    after = edited(before)
    first = SiteViews(before, now, drafts=True)
    reused = SiteViews(after, now, drafts=True, previous=first)
    fresh = SiteViews(after, now, drafts=True)
    assert len(after.items) > 300
    assert related_slugs(reused) == related_slugs(fresh)
    kept = [src for src, v in reused.views.items() if "item" in v.data and src in first.views
            and v.data["related"] is first.views[src].data["related"]]
    assert len(kept) > len(after.items) / 2  # most items are far from the edit: their related items were kept
    assert len(kept) < len(after.items) - 20  # and those near it were chosen again

    checks = {plan_id: entry[-1] for plan_id, entry in reused.checks.kept.items()}
    assert checks
    for plan_id, check in checks.items():
        again = check_plan(after, after.plans[plan_id], check.as_of)
        assert [i.slug for i in check.items] == [i.slug for i in again.items], plan_id
        assert [(p.status, p.due, len(p.items)) for p in check.progress] == \
               [(p.status, p.due, len(p.items)) for p in again.progress], plan_id
    same_objects = SiteViews(after, now, drafts=True, previous=reused)  # nothing edited: every check is kept
    assert all(same_objects.checks.kept[p][-1] is reused.checks.kept[p][-1] for p in checks)
