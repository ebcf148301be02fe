from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "fulian.office"
    label = "office"
    verbose_name = _("机关管理")

    def ready(self) -> None:
        from fulian.core import audit, navigation

        from . import leave, outgoing  # noqa: F401 — register their process definitions
        from .models import (
            AttendanceRecord,
            DocumentNumber,
            DocumentVersion,
            LeaveRequest,
            OutgoingDocument,
        )

        audit.register(OutgoingDocument)
        audit.register(DocumentVersion)

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
                key="outgoing",
                label=_("发文"),
                url_name="office:outgoing_list",
                perm=None,
                icon="file-earmark-text",
                order=62,
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
