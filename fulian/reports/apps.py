from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READ = ("reports.view_dataset", "reports.view_datavalue", "reports.view_submission")
ENTER = ("reports.add_datavalue", "reports.change_datavalue")
APPROVE = ("reports.approve_submission", "reports.add_entryexception")
DEFINE = (
    "reports.add_dataset",
    "reports.change_dataset",
    "reports.add_dataelement",
    "reports.change_dataelement",
    "reports.add_indicator",
    "reports.change_indicator",
)


class ReportsConfig(AppConfig):
    name = "fulian.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        from fulian.accounts.roles import extend_role
        from fulian.core import audit, navigation
        from fulian.core.demo import register_demo_loader
        from fulian.notifications.messages import register_message
        from fulian.notifications.periodic import register_periodic_job
        from fulian.orgs import signals as org_signals

        from . import (
            approval,  # noqa: F401 — registers the approval process
            completeness,
            demo,
            tree_events,
        )
        from .models import DataElement, DataSet, DataValue, EntryException, Indicator, Submission

        for model in (DataElement, DataSet, DataValue, EntryException, Indicator, Submission):
            audit.register(model)
        org_signals.tree_changed.connect(
            completeness.forget_expected_counts, dispatch_uid="reports_expected"
        )
        org_signals.subtree_moved.connect(tree_events.repath, dispatch_uid="reports_repath")
        register_periodic_job("report_reminders", completeness.send_reminders)
        register_message(
            "report_unapproved",
            "报表取消审核：{dataset}",
            "“{dataset}”（{period}）已被取消审核，理由：{reason}。请核实修改后重新报送。",
        )
        extend_role("system_admin", *READ, *ENTER, *APPROVE, *DEFINE)
        extend_role("federation_leader", *READ, *APPROVE)
        extend_role("office_staff", *READ)
        extend_role("department_staff", *READ, *ENTER)
        extend_role("rights_staff", *READ, *ENTER)
        extend_role("org_admin", *READ, *ENTER, *APPROVE, *DEFINE)
        extend_role("county_cadre", *READ, *ENTER, *APPROVE)
        extend_role("town_cadre", *READ, *ENTER, *APPROVE)
        extend_role("village_chair", *READ, *ENTER)
        extend_role("member_unit_liaison", *READ, *ENTER)
        extend_role("auditor", *READ)
        register_demo_loader(50, "reports", demo.load_reports)
        navigation.register(
            navigation.NavItem(
                key="dashboard",
                label=_("数据看板"),
                url_name="reports:dashboard",
                perm="reports.view_datavalue",
                icon="bar-chart-line",
                order=15,
            )
        )
        navigation.register(
            navigation.NavItem(
                key="reports",
                label=_("统计报表"),
                url_name="reports:list",
                perm="reports.view_dataset",
                icon="clipboard-data",
                order=70,
            )
        )
