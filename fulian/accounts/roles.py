"""The system roles: one for every kind of user SPEC.md names.

Declared as data and synced idempotently (``sync_system_roles``), so a deployment
and the demo get the same roles; modules add their own permissions with
``extend_role`` in their AppConfig.ready.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import transaction

from .models import Role, ScopeKind

VIEW_BASICS = ["orgs.view_org", "accounts.view_user", "accounts.view_position", "core.view_holiday"]
PEOPLE_WORK = ["people.view_person", "people.add_person", "people.change_person", "people.view_tag"]
OFFICE_OVERSIGHT = [
    "office.view_outgoingdocument",
    "office.view_leaverequest",
    "office.add_attendancerecord",
    "office.view_attendancerecord",
    "workflow.view_processinstance",
]
PEOPLE_SENSITIVE = ["people.reveal_person", "people.merge_person"]
MANAGE_ORGS = ["orgs.add_org", "orgs.change_org", "orgs.delete_org"]
MANAGE_USERS = [
    "accounts.add_user",
    "accounts.change_user",
    "accounts.add_position",
    "accounts.change_position",
]
MANAGE_SYSTEM = [
    "accounts.view_role",
    "accounts.add_role",
    "accounts.change_role",
    "core.add_holiday",
    "core.change_holiday",
    "core.delete_holiday",
    "core.view_auditevent",
]


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    scope_kind: str
    permissions: tuple[str, ...]
    description: str = ""
    anchor_at_federation: bool = False


SYSTEM_ROLES = [
    RoleSpec(
        "system_admin",
        "系统管理员",
        ScopeKind.ALL,
        (
            *VIEW_BASICS,
            *MANAGE_ORGS,
            *MANAGE_USERS,
            *MANAGE_SYSTEM,
            *PEOPLE_WORK,
            *PEOPLE_SENSITIVE,
            *OFFICE_OVERSIGHT,
        ),
        "用户、角色、组织、字典、节假日和系统参数的维护",
    ),
    RoleSpec(
        "federation_leader",
        "妇联领导（主席、副主席）",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, "people.view_person", "people.view_tag", *OFFICE_OVERSIGHT),
        "查看本级及下级的全部业务与统计",
        anchor_at_federation=True,
    ),
    RoleSpec(
        "org_admin",
        "组织工作管理员",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, *MANAGE_ORGS, *MANAGE_USERS),
        "维护本级及下级组织网络和账号（组织宣传部）",
        anchor_at_federation=True,
    ),
    RoleSpec(
        "office_staff",
        "办公室工作人员",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, *PEOPLE_WORK, *OFFICE_OVERSIGHT),
        "公文、档案、会议、请假等机关事务",
        anchor_at_federation=True,
    ),
    RoleSpec(
        "department_staff",
        "部室工作人员",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, *PEOPLE_WORK),
        "本妇联各部室的业务工作",
        anchor_at_federation=True,
    ),
    RoleSpec(
        "rights_staff",
        "维权工作人员",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, *PEOPLE_WORK, *PEOPLE_SENSITIVE),
        "信访维权、首问负责、预警排查",
        anchor_at_federation=True,
    ),
    RoleSpec(
        "county_cadre",
        "县（区）妇联干部",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, *MANAGE_ORGS, *MANAGE_USERS, *PEOPLE_WORK, *PEOPLE_SENSITIVE),
        "审核乡镇上报、办理案件、开展项目",
    ),
    RoleSpec(
        "town_cadre",
        "乡镇（街道）妇联干部",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, "orgs.change_org", *PEOPLE_WORK, "people.merge_person"),
        "审核村（社区）上报、办理案件",
    ),
    RoleSpec(
        "village_chair",
        "村（社区）妇联主席",
        ScopeKind.ORG,
        (*VIEW_BASICS, *PEOPLE_WORK),
        "记录活动、服务对象、受理的求助，填报无法自动生成的报表",
    ),
    RoleSpec(
        "member_unit_liaison",
        "妇儿工委成员单位联络员",
        ScopeKind.ORG,
        ("orgs.view_org", "core.view_holiday"),
        "每半年报送规划监测指标",
    ),
    RoleSpec(
        "auditor",
        "审计员",
        ScopeKind.SUBTREE,
        (*VIEW_BASICS, "core.view_auditevent", "people.view_person"),
        "只读查看本级及下级的审计日志",
        anchor_at_federation=True,
    ),
]


_EXTENSIONS: dict[str, list[str]] = {}


def extend_role(code: str, *permissions: str) -> None:
    """Let a module add its permissions to a system role (called from AppConfig.ready)."""
    known = {spec.code for spec in SYSTEM_ROLES}
    if code not in known:
        raise ValueError(f"unknown system role {code}")
    bucket = _EXTENSIONS.setdefault(code, [])
    bucket.extend(p for p in permissions if p not in bucket)


def permissions_of(spec: RoleSpec) -> list[str]:
    extra = [p for p in _EXTENSIONS.get(spec.code, []) if p not in spec.permissions]
    return [*spec.permissions, *extra]


def _permissions(codes) -> list[Permission]:
    found = []
    for code in codes:
        app_label, codename = code.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@transaction.atomic
def sync_system_roles() -> dict[str, Role]:
    """Create or update the system roles to match SYSTEM_ROLES."""
    roles = {}
    for spec in SYSTEM_ROLES:
        role, _ = Role.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "scope_kind": spec.scope_kind,
                "description": spec.description,
                "anchor_at_federation": spec.anchor_at_federation,
                "is_system": True,
            },
        )
        role.permissions.set(_permissions(permissions_of(spec)))
        roles[spec.code] = role
    return roles
