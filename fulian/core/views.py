from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fulian.orgs.selectors import org_coverage, org_roots_for_viewer

from . import calendar, selectors, services
from .filters import AuditEventFilter, HolidayFilter
from .lists import Column, ListPage
from .models import Holiday


@login_required
def home(request):
    position = request.position
    coverage = None
    if position and request.user.has_perm("orgs.view_org"):
        coverage = org_coverage(viewer=request.user, org=position.org.federation())
    today = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {
            "title": _("首页"),
            "coverage": coverage,
            "roots": org_roots_for_viewer(viewer=request.user)[:5],
            "today": today,
            "today_is_working_day": calendar.is_working_day(today),
            "next_working_day": calendar.add_working_days(today, 1),
        },
    )


class AuditList(ListPage):
    title = _("审计日志")
    export_name = "audit"
    filterset_class = AuditEventFilter
    columns = [
        Column("at", _("时间")),
        Column("actor_name", _("操作人")),
        Column("action", _("类型"), value=lambda e: e.get_action_display()),
        Column("verb", _("操作")),
        Column("object_repr", _("对象")),
        Column("changes", _("变更"), value=lambda e: _summarise(e.changes)),
        Column("ip", _("IP 地址")),
    ]

    def get_queryset(self):
        if not self.request.user.has_perm("core.view_auditevent"):
            raise PermissionDenied
        return selectors.audit_events_visible_to(viewer=self.request.user)


def _summarise(changes: dict) -> str:
    parts = []
    for field, value in list(changes.items())[:6]:
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{field}: {value[0]} → {value[1]}")
        else:
            parts.append(f"{field}: {value}")
    return "；".join(parts)[:300]


class HolidayList(ListPage):
    title = _("节假日与调休")
    template_name = "core/holiday_list.html"
    export_name = "holidays"
    filterset_class = HolidayFilter
    paginate_by = 50
    columns = [
        Column("date", _("日期")),
        Column("kind", _("类型"), value=lambda h: h.get_kind_display()),
        Column("name", _("名称")),
    ]

    def get_queryset(self):
        if not self.request.user.has_perm("core.view_holiday"):
            raise PermissionDenied
        return Holiday.objects.order_by("-date")

    def get_extra_context(self):
        years = calendar.known_official_years()
        return {
            "kinds": Holiday.Kind.choices,
            "package_years": f"{years.start}–{years.stop - 1}",
            "holidays": list(self.get_queryset()[:200]),
        }


@require_POST
@permission_required("core.add_holiday", raise_exception=True)
def holiday_add(request):
    from datetime import date

    try:
        day = date.fromisoformat(request.POST.get("date", ""))
        services.holiday_set(
            actor=request.user,
            date=day,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
        )
        messages.success(request, _("已保存"))
    except ValueError:
        messages.error(request, _("日期格式应为 YYYY-MM-DD"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("core:holiday_list")


@require_POST
@permission_required("core.delete_holiday", raise_exception=True)
def holiday_delete(request, pk):
    services.holiday_remove(actor=request.user, holiday=get_object_or_404(Holiday, pk=pk))
    messages.success(request, _("已删除"))
    return redirect("core:holiday_list")
