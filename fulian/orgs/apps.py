from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "fulian.orgs"
    label = "orgs"
    verbose_name = _("组织网络")

    def ready(self) -> None:
        from fulian.core import audit, navigation
        from fulian.reports.sources import register_source

        from . import figures
        from .models import Org

        register_source(
            "orgs.federations",
            _("已建妇联的组织数"),
            figures.federations,
            module="orgs",
            parameter_label=_("组织类型"),
        )
        register_source(
            "orgs.units", _("组织数"), figures.units, module="orgs", parameter_label=_("组织类型")
        )

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
