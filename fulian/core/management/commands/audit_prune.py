from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fulian.core.models import AuditEvent

MINIMUM_DAYS = 184  # 等保: audit records are kept at least six months


class Command(BaseCommand):
    help = "Delete audit rows older than the retention period (never fewer than 184 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        if days < MINIMUM_DAYS:
            raise CommandError(f"audit rows are kept at least {MINIMUM_DAYS} days")
        cutoff = timezone.now() - timedelta(days=days)
        old = AuditEvent.objects.filter(at__lt=cutoff)
        # The application refuses deletes of audit rows; only this command removes them.
        deleted = old._raw_delete(old.db)
        self.stdout.write(f"deleted {deleted} audit rows older than {cutoff:%Y-%m-%d}")
