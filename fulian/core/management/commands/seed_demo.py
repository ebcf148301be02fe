from django.core.management.base import BaseCommand

from fulian.core.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
from fulian.orgs.models import Org


class Command(BaseCommand):
    help = "Load the demo city (泰州市妇联) and its demo users; running it again changes nothing."

    def handle(self, *args, **options):
        before = Org.objects.count()
        seed_demo()
        after = Org.objects.count()
        self.stdout.write(f"orgs: {after} ({after - before} new)")
        self.stdout.write(f"demo logins (password {DEMO_PASSWORD}):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<17} {spec.full_name} · {spec.title}")
