from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fulian.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from fulian.core import audit, navigation

        from . import signals  # noqa: F401
        from .models import Position, Role, User

        audit.register(User, exclude=("password", "last_login"))
        audit.register(Role)
        audit.register(Position)
        navigation.register(
            navigation.NavItem(
                key="users",
                label=_("用户与岗位"),
                url_name="accounts:user_list",
                perm="accounts.view_user",
                icon="people",
                order=80,
            )
        )
