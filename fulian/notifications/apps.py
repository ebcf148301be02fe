from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "fulian.notifications"
    label = "notifications"
    verbose_name = _("通知")
    # No NavItem: the bell in the top bar is the entry point for every signed-in user.
    # Notification rows are not audited either: each one is the consequence of an
    # action that its own module already audited, and reading one changes no record.
