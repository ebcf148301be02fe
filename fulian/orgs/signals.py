"""Signals other apps listen to, so the org tree never imports them."""

from django.dispatch import Signal

# Sent inside the transaction after a subtree's paths were rewritten:
# kwargs org, old_path, new_path. Apps that copy org paths onto their rows update them.
subtree_moved = Signal()
# Sent when an org is closed or merged: kwargs org, actor, merged_into (or None).
org_closed = Signal()
