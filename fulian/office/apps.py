from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "fulian.office"
    label = "office"
    verbose_name = _("机关管理")

    def ready(self) -> None:
        from fulian.core import audit, navigation

        from . import leave  # noqa: F401 — registers the leave process definition
        from .models import AttendanceRecord, DocumentNumber, LeaveRequest

        audit.register(LeaveRequest)
        audit.register(AttendanceRecord)
        # The numbers are audited; their series counter only mirrors the latest one.
        audit.register(DocumentNumber)
        navigation.register(
            navigation.NavItem(
                key="leave",
                label=_("请假"),
                url_name="office:leave_list",
                perm=None,
                icon="calendar-check",
                order=60,
            )
        )
        navigation.register(
            navigation.NavItem(
                key="attendance",
                label=_("考勤汇总"),
                url_name="office:attendance",
                perm="office.view_attendancerecord",
                icon="table",
                order=61,
            )
        )
