from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CASE_WORK = (
    "cases.view_case",
    "cases.add_case",
    "cases.handle_case",
    "cases.view_case_figures",
    "cases.view_category",
    "cases.view_riskentry",
    "cases.add_riskentry",
    "cases.view_enquiry",
    "cases.add_enquiry",
    "cases.handle_enquiry",
)


class CasesConfig(AppConfig):
    name = "fulian.cases"
    label = "cases"
    verbose_name = _("维权")

    def ready(self) -> None:
        from fulian.accounts.roles import extend_role
        from fulian.core import audit, navigation
        from fulian.core.demo import register_demo_loader
        from fulian.notifications.messages import register_message
        from fulian.people.sections import PersonSection
        from fulian.people.sections import register as register_section
        from fulian.reports.sources import register_source

        from . import (
            first_contact,  # noqa: F401 — registers the first-contact process
            models,
        )
        from .demo import load_cases
        from .figures import SOURCES
        from .selectors import cases_for_person

        # The narratives stay out of the audit trail: auditors across the subtree read it,
        # and a case's story is for its handlers. The trail still shows what changed when.
        narrative = {
            models.Case: ("summary", "reply", "closure_note", "extension_reason"),
            models.Transfer: ("reason", "decision_note"),
            models.CaseAccess: ("reason",),
            models.Party: ("note",),
            models.MediationSession: ("notes", "participants"),
            models.LegalAid: ("note",),
            models.Referral: ("reason", "outcome"),
            models.FollowUpVisit: ("note",),
            models.RiskEntry: ("situation",),
            models.ScreeningVisit: ("note",),
        }
        for model in (
            models.Category,
            models.Case,
            models.Party,
            models.CaseAccess,
            models.Transfer,
            models.MediationSession,
            models.LegalAid,
            models.Referral,
            models.FollowUpVisit,
            models.RiskEntry,
            models.ScreeningVisit,
            models.Enquiry,
        ):
            audit.register(model, exclude=narrative.get(model, ()))

        # Handlers of their own org's cases; the dictionary is the rights department's.
        extend_role(
            "rights_staff",
            *CASE_WORK,
            "cases.reveal_case",
            "cases.add_category",
            "cases.change_category",
        )
        for role in ("county_cadre", "town_cadre"):
            extend_role(role, *CASE_WORK)
        extend_role(
            "village_chair",
            "cases.view_case",
            "cases.add_case",
            "cases.handle_case",
            "cases.view_category",
            "cases.view_riskentry",
            "cases.add_riskentry",
        )
        # Leaders see figures, and a case only when it is shared with them.
        extend_role(
            "federation_leader",
            "cases.view_case",
            "cases.view_case_figures",
            "cases.view_riskentry",
            "cases.view_enquiry",
        )
        extend_role(
            "office_staff", "cases.view_enquiry", "cases.add_enquiry", "cases.handle_enquiry"
        )
        extend_role(
            "system_admin", "cases.view_category", "cases.add_category", "cases.change_category"
        )

        for key, label, url_name, perm, icon, order in (
            ("cases", _("维权案件"), "cases:case_list", "cases.view_case", "shield-check", 20),
            ("hotline", _("热线快速登记"), "cases:hotline", "cases.add_case", "telephone", 21),
            (
                "risk",
                _("预警排查"),
                "cases:risk_list",
                "cases.view_riskentry",
                "exclamation-diamond",
                22,
            ),
            (
                "case_figures",
                _("维权统计"),
                "cases:figures",
                "cases.view_case_figures",
                "bar-chart",
                23,
            ),
            (
                "enquiries",
                _("来电来函来访"),
                "cases:enquiry_list",
                "cases.view_enquiry",
                "chat-left-text",
                24,
            ),
            (
                "case_categories",
                _("案件类别"),
                "cases:category_list",
                "cases.change_category",
                "tags",
                90,
            ),
        ):
            navigation.register(
                navigation.NavItem(
                    key=key, label=label, url_name=url_name, perm=perm, icon=icon, order=order
                )
            )

        register_section(
            PersonSection(
                key="cases",
                title=_("维权案件"),
                order=20,
                template="cases/_person_section.html",
                perm="cases.view_case",
                context=cases_for_person,
            )
        )
        register_message(
            "risk_rising",
            "风险升级：{org}",
            "{org}一户预警排查对象的风险等级由{old}升为{new}，请关注并指导处置。",
        )
        register_demo_loader(60, "cases", load_cases)
        for code, label, function in SOURCES:
            register_source(code, label, function, module="cases")
