"""Keeping report rows in step with the org tree (signals from ``fulian.orgs``)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Concat, Mod, Substr

from fulian.orgs.models import SEGMENT_WIDTH

from .models import DataValue, Submission
from .rollup import (
    STRIPES,
    SUMMARY_DEPTHS,
    ValueDelta,
    apply_submission_deltas_many,
    apply_value_deltas,
)

# Values below a county share all their summary ancestors, so grouping by the first
# four path segments is enough to move their totals.
_PREFIX = SUMMARY_DEPTHS[-1] * SEGMENT_WIDTH


def repath(sender, org, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved: move its totals from the old ancestors to the new ones (a few
    grouped rows, whatever the subtree's size), then rewrite the copied paths in one
    UPDATE per table, as the org tree does."""
    values = (
        DataValue.objects.filter(path__startswith=old_path, value__isnull=False)
        .exclude(element__source__gt="")
        .annotate(prefix=Substr("path", 1, _PREFIX), stripe=Mod("org_id", STRIPES))
        .values("prefix", "stripe", "element_id", "period", "option_id")
        .annotate(total=Sum("value"), n=Count("value"))
    )
    deltas = []
    for row in values:
        after = new_path + row["prefix"][len(old_path) :]
        key = (row["element_id"], row["period"], row["option_id"] or 0)
        # ``org_id`` = the stripe: stripe_of(stripe) is the stripe itself.
        deltas.append(ValueDelta(row["stripe"], row["prefix"], *key, -row["total"], -row["n"]))
        deltas.append(ValueDelta(row["stripe"], after, *key, row["total"], row["n"]))
    apply_value_deltas(deltas)
    done = (
        Submission.objects.filter(path__startswith=old_path)
        .annotate(prefix=Substr("path", 1, _PREFIX), stripe=Mod("org_id", STRIPES))
        .values("prefix", "stripe", "data_set_id", "period")
        .annotate(
            s=Count("pk", filter=Q(counted_submitted=True)),
            t=Count("pk", filter=Q(counted_on_time=True)),
            a=Count("pk", filter=Q(counted_approved=True)),
        )
    )
    changes = []
    for row in done:
        counted = (int(row["s"] or 0), int(row["t"] or 0), int(row["a"] or 0))
        after = new_path + row["prefix"][len(old_path) :]
        key = (row["data_set_id"], row["period"], row["stripe"])
        changes.append((*key, row["prefix"], tuple(-n for n in counted)))
        changes.append((*key, after, counted))
    apply_submission_deltas_many(changes)
    for model in (DataValue, Submission):
        model.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
