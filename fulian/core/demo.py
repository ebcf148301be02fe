"""The demo city: Taizhou (泰州市), Jiangsu, with its real division codes.

Loaded by ``manage.py seed_demo``; running it again changes nothing. Everything is
written through the services, so the demo is audited like real work.
"""

from __future__ import annotations

import csv
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from fulian.accounts import services as account_services
from fulian.accounts.models import Position, Post, User
from fulian.accounts.roles import sync_system_roles
from fulian.orgs import services as org_services
from fulian.orgs.models import Org, OrgKind

DEMO_PASSWORD = "Fulian@2026"  # noqa: S105 — the documented demo password
CITY_CODE = "321200000000"
DIVISIONS_CSV = "taizhou_divisions.csv"
_LEVEL_KIND = {"3": OrgKind.COUNTY, "4": OrgKind.TOWN, "5": OrgKind.VILLAGE}
CITY_DEPARTMENTS = ["办公室", "组织宣传部", "发展部", "儿童工作部", "权益部", "妇儿工委办公室"]
COUNTY_DEPARTMENTS = ["办公室", "权益部"]


def reference_dir() -> Path:
    """shared/reference beside the checkout, or the copy shipped in the repository."""
    for candidate in (
        settings.BASE_DIR.parent / "shared" / "reference",
        settings.BASE_DIR / "fulian" / "core" / "fixtures",
    ):
        if (candidate / DIVISIONS_CSV).exists():
            return candidate
    raise FileNotFoundError(DIVISIONS_CSV)


def _federation_name(name: str) -> str:
    return name if name.endswith("妇联") else f"{name}妇联"


def _has_federation(code: str) -> bool:
    # A few villages still lack a women's federation, so coverage is not a flat 100 %.
    return zlib.crc32(code.encode()) % 29 != 0


def _existing_codes() -> set[str]:
    return set(Org.objects.values_list("code", flat=True))


def load_divisions(*, actor=None) -> None:
    """The national root, Jiangsu, Taizhou and every county, town and village under it."""
    existing = _existing_codes()
    if "000000000000" not in existing:
        org_services.org_create(
            actor=actor,
            name="中华全国妇女联合会",
            short_name="全国",
            kind=OrgKind.NATIONAL,
            parent=None,
            code="000000000000",
        )
    rows = [
        org_services.NewOrg(
            name="江苏省妇女联合会",
            short_name="苏",
            kind=OrgKind.PROVINCE,
            parent_code="000000000000",
            code="320000000000",
        )
    ]
    rows.append(
        org_services.NewOrg(
            name="泰州市妇女联合会",
            short_name="泰",
            kind=OrgKind.CITY,
            parent_code="320000000000",
            code=CITY_CODE,
        )
    )
    with (reference_dir() / DIVISIONS_CSV).open(encoding="utf-8") as source:
        for record in csv.DictReader(source):
            kind = _LEVEL_KIND.get(record["level"])
            if kind is None:
                continue
            rows.append(
                org_services.NewOrg(
                    name=_federation_name(record["name"]),
                    kind=kind,
                    parent_code=record["parent_code"],
                    code=record["code"],
                    urban_rural=record["urban_rural"] or "",
                    has_federation=_has_federation(record["code"])
                    if kind == OrgKind.VILLAGE
                    else True,
                )
            )
    missing = [row for row in rows if row.code not in existing]
    org_services.orgs_create_many(actor=actor, rows=missing)


def _branch(actor, parent: Org, name: str, kind: str) -> Org:
    found = Org.objects.filter(parent=parent, name=name).first()
    return found or org_services.org_create(actor=actor, name=name, kind=kind, parent=parent)


@dataclass
class DemoOrgs:
    city: Org
    departments: dict[str, Org]
    county: Org
    town: Org
    village: Org
    other_county: Org
    other_village: Org


def load_branches(*, actor=None) -> DemoOrgs:
    """Departments, the chamber liaison office, enterprises, associations, teams."""
    city = Org.objects.get(code=CITY_CODE)
    departments = {
        name: _branch(actor, city, name, OrgKind.DEPARTMENT) for name in CITY_DEPARTMENTS
    }
    liaison = _branch(actor, city, "泰州市异地商会妇联总联络处", OrgKind.LIAISON_OFFICE)
    for chamber in [
        "泰州市温州商会妇联",
        "泰州市福建商会妇联",
        "泰州市安徽商会妇联",
        "泰州市江西商会妇联",
    ]:
        _branch(actor, liaison, chamber, OrgKind.CHAMBER)
    _branch(actor, city, "泰州市女企业家协会", OrgKind.SOCIAL_ORG)
    _branch(actor, city, "泰州市巾帼志愿者服务总队", OrgKind.VOLUNTEER_TEAM)
    _branch(actor, city, "泰州市级机关妇委会", OrgKind.AGENCY_COMMITTEE)
    county = Org.objects.get(code="321202000000")  # 海陵区
    other_county = Org.objects.get(code="321281000000")  # 兴化市
    for name in COUNTY_DEPARTMENTS:
        _branch(actor, county, name, OrgKind.DEPARTMENT)
    _branch(actor, county, "海陵区巾帼志愿者服务队", OrgKind.VOLUNTEER_TEAM)
    _branch(actor, Org.objects.get(code="321203000000"), "扬子江药业集团妇联", OrgKind.ENTERPRISE)
    _branch(
        actor, Org.objects.get(code="321282000000"), "靖江经济开发区企业妇联", OrgKind.ENTERPRISE
    )
    town = Org.objects.get(code="321202100000")  # 九龙镇
    _branch(actor, town, "九龙镇巾帼志愿服务队", OrgKind.VOLUNTEER_TEAM)
    village = Org.objects.filter(parent=town, kind=OrgKind.VILLAGE).order_by("code").first()
    other_village = (
        Org.objects.filter(path__startswith=other_county.path, kind=OrgKind.VILLAGE)
        .order_by("code")
        .first()
    )
    return DemoOrgs(
        city=city,
        departments=departments,
        county=county,
        town=town,
        village=village,
        other_county=other_county,
        other_village=other_village,
    )


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    post: str
    title: str
    role: str
    where: str  # an attribute of DemoOrgs, or "department:<name>" or "national"
    oversees: tuple[str, ...] = ()


DEMO_USERS = [
    DemoUser("admin", "系统管理员", Post.ADMINISTRATOR, "系统管理员", "system_admin", "national"),
    DemoUser("city_chair", "王秀英", Post.CHAIRWOMAN, "主席", "federation_leader", "city"),
    DemoUser(
        "city_vice",
        "李红梅",
        Post.VICE_CHAIR,
        "副主席（分管办公室、权益部）",
        "federation_leader",
        "city",
        oversees=("办公室", "权益部"),
    ),
    DemoUser("city_office", "张丽", Post.STAFF, "办公室科员", "office_staff", "department:办公室"),
    DemoUser(
        "city_office_head",
        "陈静",
        Post.DEPARTMENT_HEAD,
        "办公室主任",
        "office_staff",
        "department:办公室",
    ),
    DemoUser("city_rights", "刘芳", Post.STAFF, "权益部干事", "rights_staff", "department:权益部"),
    DemoUser(
        "city_org", "黄慧", Post.STAFF, "组织宣传部干事", "org_admin", "department:组织宣传部"
    ),
    DemoUser("city_auditor", "郑洁", Post.AUDITOR, "审计员", "auditor", "city"),
    DemoUser("county_cadre", "周敏", Post.CADRE, "海陵区妇联副主席", "county_cadre", "county"),
    DemoUser("town_cadre", "吴燕", Post.CADRE, "九龙镇妇联主席", "town_cadre", "town"),
    DemoUser("village_chair", "孙桂兰", Post.CHAIRWOMAN, "村妇联主席", "village_chair", "village"),
    DemoUser(
        "village_chair2", "赵玉珍", Post.CHAIRWOMAN, "村妇联主席", "village_chair", "other_village"
    ),
]


def _org_for(where: str, orgs: DemoOrgs) -> Org:
    if where == "national":
        return Org.objects.get(code="000000000000")
    if where.startswith("department:"):
        return orgs.departments[where.split(":", 1)[1]]
    return getattr(orgs, where)


def load_users(orgs: DemoOrgs, *, actor=None) -> list[User]:
    roles = sync_system_roles()
    users = []
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = account_services.user_create(
                actor=actor,
                username=spec.username,
                full_name=spec.full_name,
                password=DEMO_PASSWORD,
            )
            if spec.username == "admin":
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        org = _org_for(spec.where, orgs)
        if (
            not Position.objects.current()
            .filter(user=user, org=org, role=roles[spec.role])
            .exists()
        ):
            account_services.position_grant(
                actor=actor,
                user=user,
                org=org,
                role=roles[spec.role],
                post=spec.post,
                title=spec.title,
                oversees=[orgs.departments[name] for name in spec.oversees],
            )
        users.append(user)
    return users


_LOADERS: list[tuple[int, str, object]] = []


def register_demo_loader(order: int, name: str, loader) -> None:
    """A module adds its demo data: ``loader(orgs: DemoOrgs)`` runs after people, by order.

    Loaders must be idempotent (seed_demo runs again on every ``make run``)."""
    if all(existing != name for _, existing, _ in _LOADERS):
        _LOADERS.append((order, name, loader))


@transaction.atomic
def seed_demo() -> DemoOrgs:
    from fulian.people.demo import load_people, load_tags

    load_divisions()
    orgs = load_branches()
    load_users(orgs)
    load_tags()
    load_people(include=[orgs.village, orgs.other_village])
    for _order, _name, loader in sorted(_LOADERS, key=lambda item: (item[0], item[1])):
        loader(orgs)
    return orgs
