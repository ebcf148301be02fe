"""Notifications: in the app, by SMS and by e-mail (SPEC §7).

Other modules call ``services.notify(...)`` inside their own transaction and
register their message templates (``messages.register_message``) and periodic jobs
(``periodic.register_periodic_job``) from their ``AppConfig.ready``.
"""
