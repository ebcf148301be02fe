from django.core.management.base import BaseCommand, CommandError

from fulian.notifications import periodic


class Command(BaseCommand):
    help = (
        "Run every registered periodic job once (what Celery beat does every 15 minutes); "
        "jobs are idempotent, so running this by hand is always safe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--job", action="append", dest="jobs", metavar="NAME", help="only this job (repeatable)"
        )
        parser.add_argument(
            "--list", action="store_true", dest="list_only", help="list the jobs, run nothing"
        )

    def handle(self, *args, jobs=None, list_only=False, **options):
        registered = periodic.periodic_jobs()
        if list_only:
            for name in registered:
                self.stdout.write(name)
            return
        if not registered:
            self.stdout.write("no periodic jobs registered")
            return
        try:
            outcomes = periodic.run_jobs(jobs)
        except KeyError as exc:
            raise CommandError(exc.args[0]) from exc
        for outcome in outcomes:
            if outcome.ok:
                self.stdout.write(str(outcome))
            else:
                self.stderr.write(self.style.ERROR(str(outcome)))
        failed = [o.name for o in outcomes if not o.ok]
        if failed:
            # A non-zero exit, so a cron job or a CI step notices the broken job.
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
