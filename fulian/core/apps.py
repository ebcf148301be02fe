from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fulian.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import audit, crypto, navigation, signals  # noqa: F401 — connects the login signals
        from .models import Holiday

        # Fail fast on a broken cipher or a missing/bad key configuration.
        crypto.self_test()
        audit.register(Holiday)

        navigation.register(
            navigation.NavItem(
                key="audit",
                label=_("审计日志"),
                url_name="core:audit_list",
                perm="core.view_auditevent",
                icon="shield-check",
                order=90,
            )
        )
        navigation.register(
            navigation.NavItem(
                key="holidays",
                label=_("节假日"),
                url_name="core:holiday_list",
                perm="core.view_holiday",
                icon="calendar3",
                order=95,
            )
        )
