"""Keeping report rows in step with the org tree (signals from ``fulian.orgs``)."""

from __future__ import annotations

from django.db.models import Value
from django.db.models.functions import Concat, Substr

from .models import DataValue, Submission
from .rollup import ValueDelta, apply_submission_deltas, apply_value_deltas


def repath(sender, org, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved: move its values' totals from the old ancestors to the new ones,
    then rewrite the copied paths (one UPDATE per table, as the org tree does)."""
    moved = DataValue.objects.filter(path__startswith=old_path, value__isnull=False).exclude(
        element__source__gt=""
    )
    rows = moved.values_list("org_id", "path", "element_id", "period", "option_id", "value")
    deltas = []
    for org_id, path, element_id, period, option_id, value in rows.iterator(chunk_size=5000):
        after = new_path + path[len(old_path) :]
        deltas.append(ValueDelta(org_id, path, element_id, period, option_id or 0, -value, -1))
        deltas.append(ValueDelta(org_id, after, element_id, period, option_id or 0, value, 1))
    apply_value_deltas(deltas)
    for submission in Submission.objects.filter(path__startswith=old_path).iterator():
        counted = (
            int(submission.counted_submitted),
            int(submission.counted_on_time),
            int(submission.counted_approved),
        )
        after = new_path + submission.path[len(old_path) :]
        key = (submission.data_set_id, submission.period, submission.org_id)
        apply_submission_deltas(*key, submission.path, tuple(-n for n in counted))
        apply_submission_deltas(*key, after, counted)
    for model in (DataValue, Submission):
        model.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
