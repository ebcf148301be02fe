import django_filters
from django.utils.translation import gettext_lazy as _

from fulian.core.filters import BootstrapFilterSet

from .models import Category, Gender, Person, Tag


class PersonFilter(BootstrapFilterSet):
    name = django_filters.CharFilter(label=_("姓名"), lookup_expr="contains")
    tag = django_filters.ModelChoiceFilter(
        label=_("标签"), field_name="person_tags__tag", queryset=Tag.objects.all()
    )
    category = django_filters.ChoiceFilter(label=_("人员类别"), choices=Category.choices)
    gender = django_filters.ChoiceFilter(label=_("性别"), choices=Gender.choices)
    org = django_filters.CharFilter(
        label=_("所属组织（名称）"), field_name="org__name", lookup_expr="contains"
    )

    class Meta:
        model = Person
        fields = []
