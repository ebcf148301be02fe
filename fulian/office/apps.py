from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "fulian.office"
    label = "office"
    verbose_name = _("机关管理")

    def ready(self) -> None:
        from fulian.core import audit, navigation

        from . import archives, incoming, leave, outgoing  # noqa: F401 — process definitions
        from .models import (
            ActionItem,
            ArchiveCopy,
            ArchiveEntry,
            ArchiveFonds,
            ArchiveLoan,
            AttendanceRecord,
            CirculationStop,
            DocumentNumber,
            DocumentVersion,
            IncomingAttachment,
            IncomingDocument,
            LeaveRequest,
            OutgoingDocument,
        )

        for model in (
            OutgoingDocument,
            DocumentVersion,
            IncomingDocument,
            CirculationStop,
            IncomingAttachment,
            ActionItem,
            ArchiveFonds,
            ArchiveCopy,
            ArchiveEntry,
            ArchiveLoan,
        ):
            audit.register(model)
        self._documents_ready()

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

    def _documents_ready(self) -> None:
        """Incoming documents and archives: permissions, jobs, messages, menu, demo."""
        from fulian.accounts.roles import extend_role
        from fulian.core import navigation
        from fulian.core.demo import register_demo_loader
        from fulian.notifications.messages import register_message
        from fulian.notifications.periodic import register_periodic_job

        from . import archives, demo

        read = (
            "office.view_incomingdocument",
            "office.view_archiveentry",
            "office.view_archiveloan",
        )
        for role in ("system_admin", "federation_leader"):
            extend_role(role, *read)
        extend_role(
            "office_staff",
            *read,
            "office.add_incomingdocument",
            "office.add_archiveentry",
            "office.add_archiveloan",
            "office.change_archiveloan",
        )
        register_message(
            "archive_filing_due",
            "档案归档提醒：{year}年度",
            "{year}年度尚有{count}份公文未立卷归档，请在一季度内完成归档。",
        )
        register_message(
            "archive_loan_overdue",
            "借阅档案逾期：{code}",
            "{borrower}借阅的档案{code}已超过应还日期（{due_date}），请尽快归还。",
        )
        register_periodic_job("office.archive_filing", archives.remind_filing)
        register_periodic_job("office.overdue_loans", archives.chase_overdue_loans)
        register_demo_loader(60, "office.documents", demo.load_documents)
        for key, label, url_name, perm, icon, order in (
            ("incoming", _("收文"), "office:incoming_list", None, "inbox", 63),
            ("documents", _("公文检索"), "office:documents", None, "search", 64),
            ("archives", _("档案"), "office:archive_list", archives.VIEW, "archive", 65),
        ):
            navigation.register(
                navigation.NavItem(
                    key=key, label=label, url_name=url_name, perm=perm, icon=icon, order=order
                )
            )
