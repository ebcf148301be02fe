from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "fulian.orgs"
    label = "orgs"
    verbose_name = _("组织网络")

    def ready(self) -> None:
        from fulian.core import audit, navigation

        from .models import Org

        audit.register(Org)
        navigation.register(
            navigation.NavItem(
                key="orgs",
                label=_("组织网络"),
                url_name="orgs:tree",
                perm="orgs.view_org",
                icon="diagram-3",
                order=10,
            )
        )
