from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "fulian.public"
    label = "public"
    verbose_name = _("公众求助")
