import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fulian.core.filters import BootstrapFilterSet

from .models import Org, OrgKind, OrgStatus


class OrgFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("名称或代码"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrgKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OrgStatus.choices)

    class Meta:
        model = Org
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if value[:1].isdigit():
            return queryset.filter(code__startswith=value)
        return queryset.filter(Q(name__contains=value) | Q(short_name=value))
