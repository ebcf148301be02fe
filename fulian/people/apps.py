from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fulian.people"
    label = "people"
    verbose_name = _("妇女群众档案")

    def ready(self) -> None:
        from fulian.core import audit, navigation

        from .models import Person, PersonRelation, PersonTag, Tag

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
