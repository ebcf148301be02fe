from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fulian.people"
    label = "people"
    verbose_name = _("妇女群众档案")

    def ready(self) -> None:
        from fulian.core import audit, navigation
        from fulian.reports.sources import register_source

        from . import figures
        from .models import Person, PersonRelation, PersonTag, Tag

        register_source(
            "people.registered", _("新登记妇女群众数"), figures.registered, module="people"
        )
        register_source(
            "people.tagged",
            _("标记为某类的人数"),
            figures.tagged,
            module="people",
            parameter_label=_("标签"),
        )

        audit.register(Person, exclude=("id_number_hash", "phone_hash"))
        audit.register(PersonRelation)
        audit.register(PersonTag)
        audit.register(Tag)
        navigation.register(
            navigation.NavItem(
                key="people",
                label=_("妇女群众档案"),
                url_name="people:list",
                perm="people.view_person",
                icon="person-hearts",
                order=20,
            )
        )
