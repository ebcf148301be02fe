"""Signals other apps listen to, so the org tree never imports them."""

from django.dispatch import Signal

# Sent inside the transaction after a subtree's paths were rewritten:
# kwargs org, old_path, new_path. Apps that copy org paths onto their rows update them.
subtree_moved = Signal()
# Sent when an org is closed or merged: kwargs org, actor, merged_into (or None).
org_closed = Signal()
# Sent after any change of the tree's shape or membership (create, kind/status change,
# move, close, merge, bulk import): kwarg orgs (the orgs touched, may be partial).
# Apps that cache counts over the tree (report completeness) drop them.
tree_changed = Signal()
