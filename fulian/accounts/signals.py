from django.dispatch import receiver
from django.utils import timezone

from fulian.core import audit
from fulian.orgs.signals import org_closed

from .models import Position


@receiver(org_closed, dispatch_uid="accounts-end-positions-of-closed-org")
def _end_positions(sender, org, actor, merged_into, **kwargs):
    """Positions at a closed or merged org end that day (each end is audited)."""
    today = timezone.localdate()
    with audit.acting_as(actor):
        for position in Position.objects.current().filter(org=org):
            position.end_date = max(today, position.start_date)
            position.save(update_fields=["end_date"])
