"""The list machinery every module reuses: columns, filters, pagination, Excel export.

A list page declares its columns once; the same declaration renders the HTML table
and the "export what I see" workbook, so an export never shows a column the page
hides, and personal data columns are masked in both.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from . import audit
from .masking import mask

EXPORT_ROW_LIMIT = 50_000


@dataclass
class Column:
    key: str
    label: Any
    value: Callable[[Any], Any] | None = None
    masked: str | None = None  # a kind from core.masking.MASKS
    link: Callable[[Any], str] | None = None

    def raw(self, row) -> Any:
        if self.value is not None:
            return self.value(row)
        value = row
        for part in self.key.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return ""
            if callable(value) and not hasattr(value, "all"):
                value = value()
        return value

    def display(self, row) -> Any:
        value = self.raw(row)
        if self.masked:
            return mask(self.masked, value)
        return _plain(value)


def _plain(value) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}"
    return value if isinstance(value, int | float) else str(value)


class ListPage(LoginRequiredMixin, View):
    """Subclasses set columns, title, template and implement ``get_queryset``."""

    template_name = "core/list_page.html"
    title = ""
    columns: list[Column] = []
    filterset_class = None
    paginate_by = 25
    export_name = "export"
    export_masked = True  # a page that offers an unmasked export sets this per request

    def get_queryset(self):
        raise NotImplementedError

    def get_columns(self) -> list[Column]:
        return self.columns

    def export_org(self):
        position = getattr(self.request, "position", None)
        return position.org if position else None

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                request.GET or None, queryset=queryset, request=request
            )
            queryset = (
                filterset.qs
                if filterset.is_bound and filterset.is_valid()
                else (queryset if not filterset.is_bound else queryset.none())
            )
        if request.GET.get("export") == "xlsx":
            return self.export(queryset)
        paginator = Paginator(queryset, self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        columns = self.get_columns()
        rows = [
            [(c.label, c.display(obj), c.link(obj) if c.link else None) for c in columns]
            for obj in page.object_list
        ]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "columns": columns,
            "rows": rows,
            "page": page,
            "filterset": filterset,
            "querystring": query.urlencode(),
            **self.get_extra_context(),
        }
        template = self.template_name
        if request.htmx and request.htmx.target == "list-rows":
            template = "core/list_page.html#rows"
        return render(request, template, context)

    def get_extra_context(self) -> dict:
        return {}

    def export(self, queryset) -> HttpResponse:
        """Export what the filter shows to Excel; personal data masked."""
        columns = self.get_columns()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.title)[:31] or "Sheet1")
        sheet.append([str(c.label) for c in columns])
        count = 0
        for obj in queryset[:EXPORT_ROW_LIMIT]:
            sheet.append([c.display(obj) for c in columns])
            count += 1
        filters = {k: v for k, v in self.request.GET.items() if k != "export"}
        audit.record_export(
            what=str(self.title),
            rows=count,
            filters=filters,
            masked=self.export_masked,
            org=self.export_org(),
            actor=self.request.user,
        )
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{stamp}.xlsx"'
        workbook.save(response)
        return response
