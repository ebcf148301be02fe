"""Celery app: workers run with `celery -A fulian worker`, periodic jobs with `beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
app = Celery("fulian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
