from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "fulian.workflow"
    label = "workflow"
    verbose_name = _("流程与待办")

    def ready(self) -> None:
        from fulian.core import audit, navigation

        from .models import Delegation, ProcessInstance, Task

        navigation.register(
            navigation.NavItem(
                key="inbox",
                label=_("待办事项"),
                url_name="workflow:inbox",
                perm=None,
                icon="inbox",
                order=1,
            )
        )

        audit.register(ProcessInstance)
        audit.register(Task)
        audit.register(Delegation)
        # TaskLog rows are themselves the history; auditing them would double it.
        try:
            from fulian.notifications.periodic import register_periodic_job
        except ImportError:  # notifications not installed
            return
        from . import deadlines

        register_periodic_job("workflow.reminders", deadlines.send_reminders)
        register_periodic_job("workflow.escalation", deadlines.escalate_overdue)
