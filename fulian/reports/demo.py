"""Demo reports for the demo city, from shared/reference/federation_report_elements.csv.

Three data sets: the yearly organisation-building report of every village, the monthly
rights-protection report of towns and counties, the quarterly two-cancer relief report
of counties; the indicator women's share of village committee members (W-DEC-01,
target ≥ 30 %). 2025 and 2026 figures for 海陵区, most approved, a few missing, and
village_chair's 2025 report waiting for town_cadre's approval in the inbox.
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal

from django.utils import timezone

from fulian.accounts.models import User
from fulian.core import audit
from fulian.orgs.models import Org, OrgKind, OrgStatus

from . import services
from .models import (
    Aggregation,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Disaggregation,
    DisaggregationOption,
    Indicator,
    Submission,
    SubmissionState,
    ValueType,
)
from .periods import PeriodType, last_periods, parse
from .rollup import ValueDelta, apply_value_deltas

ELEMENTS = [
    # code, name, value type, aggregation, unit, source, on dashboard
    ("vc_members", "村（社区）“两委”成员数", ValueType.INTEGER, Aggregation.SUM, "人", "", False),
    ("vc_members_women", "其中女性成员数", ValueType.INTEGER, Aggregation.SUM, "人", "", False),
    ("exec_members", "村（社区）妇联执委数", ValueType.INTEGER, Aggregation.SUM, "人", "", True),
    ("women_home", "建有“妇女之家”", ValueType.BOOLEAN, Aggregation.SUM, "个", "", True),
    (
        "assoc_count",
        "妇女群众性协会、文艺团体数",
        ValueType.INTEGER,
        Aggregation.SUM,
        "个",
        "",
        False,
    ),
    (
        "people_new",
        "新登记妇女群众数",
        ValueType.INTEGER,
        Aggregation.SUM,
        "人",
        "people.registered",
        False,
    ),
    (
        "poor_mothers",
        "贫困母亲人数",
        ValueType.INTEGER,
        Aggregation.SUM,
        "人",
        "people.tagged:贫困母亲",
        False,
    ),
    (
        "cases_received",
        "受理维权案件数",
        ValueType.INTEGER,
        Aggregation.SUM,
        "件",
        "cases.received",
        True,
    ),
    (
        "cases_dv",
        "其中家庭暴力案件数",
        ValueType.INTEGER,
        Aggregation.SUM,
        "件",
        "cases.domestic_violence",
        False,
    ),
    (
        "cases_legal_aid",
        "法律援助次数",
        ValueType.INTEGER,
        Aggregation.SUM,
        "次",
        "cases.legal_aid",
        False,
    ),
    (
        "cases_on_time",
        "按时答复率",
        ValueType.PERCENTAGE,
        Aggregation.AVERAGE,
        "%",
        "cases.on_time_rate",
        False,
    ),
    ("legal_events", "法治宣传活动场次", ValueType.INTEGER, Aggregation.SUM, "场", "", True),
    ("legal_people", "法治宣传参与人次", ValueType.INTEGER, Aggregation.SUM, "人次", "", False),
    (
        "hotline_calls",
        "12338热线来电来访咨询服务量",
        ValueType.INTEGER,
        Aggregation.SUM,
        "宗",
        "",
        False,
    ),
    ("volunteers", "注册巾帼志愿者人数", ValueType.INTEGER, Aggregation.LAST, "人", "", False),
    ("volunteer_events", "志愿服务活动场次", ValueType.INTEGER, Aggregation.SUM, "场", "", False),
    ("two_cancer_aided", "“两癌”获救助人数", ValueType.INTEGER, Aggregation.SUM, "人", "", True),
    ("two_cancer_funds", "“两癌”救助金额", ValueType.NUMBER, Aggregation.SUM, "万元", "", False),
    ("note", "情况说明", ValueType.TEXT, Aggregation.SUM, "", "", False),
]

DATA_SETS = [
    (
        "org_building",
        "妇联组织建设统计年报",
        PeriodType.YEARLY,
        [OrgKind.VILLAGE],
        60,
        [
            "vc_members",
            "vc_members_women",
            "exec_members",
            "women_home",
            "assoc_count",
            "people_new",
            "poor_mothers",
            "note",
        ],
    ),
    (
        "rights_monthly",
        "信访维权工作月报",
        PeriodType.MONTHLY,
        [OrgKind.TOWN, OrgKind.COUNTY],
        10,
        [
            "cases_received",
            "cases_dv",
            "cases_legal_aid",
            "cases_on_time",
            "legal_events",
            "legal_people",
            "hotline_calls",
            "note",
        ],
    ),
    (
        "two_cancer",
        "“两癌”救助季报",
        PeriodType.QUARTERLY,
        [OrgKind.COUNTY],
        15,
        ["two_cancer_aided", "two_cancer_funds"],
    ),
]


# A county defines a report of its own: only its subtree reports it, or sees it.
COUNTY_DATA_SET = (
    "xinghua_volunteers",
    "兴化市巾帼志愿服务季报",
    PeriodType.QUARTERLY,
    [OrgKind.TOWN],
    15,
    ["volunteers", "volunteer_events"],
)


def _n(key: str, low: int, high: int) -> int:
    """A stable pseudo-random figure, so the demo is the same on every machine."""
    return low + zlib.crc32(key.encode()) % (high - low + 1)


def load_definitions(city: Org, other_county: Org | None = None) -> dict[str, DataSet]:
    area, _ = Disaggregation.objects.get_or_create(code="urban_rural", defaults={"name": "城乡"})
    for order, (code, name) in enumerate([("urban", "城镇"), ("rural", "农村")]):
        DisaggregationOption.objects.get_or_create(
            disaggregation=area, code=code, defaults={"name": name, "sort_order": order}
        )
    elements = {}
    for code, name, value_type, aggregation, unit, source, key in ELEMENTS:
        elements[code], _ = DataElement.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "value_type": value_type,
                "aggregation": aggregation,
                "unit": unit,
                "source": source,
                "on_dashboard": key,
                "disaggregation": area if code == "two_cancer_aided" else None,
            },
        )
    data_sets = {}
    owned = [(city, spec) for spec in DATA_SETS]
    if other_county is not None:
        owned.append((other_county, COUNTY_DATA_SET))
    for owner, (code, name, period_type, kinds, deadline, codes) in owned:
        data_set, created = DataSet.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "period_type": period_type,
                "owner": owner,
                "reporting_kinds": kinds,
                "deadline_days": deadline,
            },
        )
        if created:
            for order, element_code in enumerate(codes):
                DataSetElement.objects.create(
                    data_set=data_set, element=elements[element_code], sort_order=order
                )
        data_sets[code] = data_set
    Indicator.objects.get_or_create(
        code="vc_women_share",
        defaults={
            "name": "村（社区）“两委”成员中女性比例",
            "numerator": "#{vc_members_women}",
            "denominator": "#{vc_members}",
            "factor": Decimal(100),
            "unit": "%",
            "target": Decimal(30),
            "description": "中国妇女发展纲要（2021—2030年）W-DEC-01：村委会成员中女性比例≥30%",
        },
    )
    return data_sets


def _figures(data_set: DataSet, org: Org, period: str) -> dict[str, str]:
    key = f"{data_set.code}/{org.code}/{period}"
    if data_set.code == "org_building":
        members = _n(key + "m", 5, 9)
        return {
            "vc_members": str(members),
            "vc_members_women": str(_n(key + "w", 1, min(4, members))),
            "exec_members": str(_n(key + "e", 7, 15)),
            "women_home": "是" if _n(key + "h", 0, 9) else "否",
            "assoc_count": str(_n(key + "a", 0, 4)),
        }
    if data_set.code == "rights_monthly":
        return {
            "legal_events": str(_n(key + "e", 1, 8)),
            "legal_people": str(_n(key + "p", 30, 400)),
            "hotline_calls": str(_n(key + "h", 0, 25)),
        }
    return {
        "two_cancer_aided.urban": str(_n(key + "u", 2, 12)),
        "two_cancer_aided.rural": str(_n(key + "r", 5, 30)),
        "two_cancer_funds": str(_n(key + "f", 5, 40)),
    }


def _bulk_values(data_set: DataSet, org: Org, period: str, figures: dict[str, str]) -> None:
    """Past periods are written in bulk (the entry form is the normal path)."""
    cells = {cell.key: cell for cell in services.cells_of(data_set)}
    rows, deltas = [], []
    for key, raw in figures.items():
        cell = cells[key]
        number, text = services.clean_value(cell.element, raw)
        rows.append(
            DataValue(
                element=cell.element,
                org=org,
                path=org.path,
                period=period,
                option=cell.option,
                value=number,
                text=text,
            )
        )
        if number is not None:
            deltas.append(
                ValueDelta(org.pk, org.path, cell.element.pk, period, cell.option_key, number, 1)
            )
    DataValue.objects.bulk_create(rows)
    apply_value_deltas(deltas)


def _approved(data_set: DataSet, org: Org, period: str, approver: User | None) -> None:
    deadline = parse(period).end + dt.timedelta(days=data_set.deadline_days)
    day = min(deadline - dt.timedelta(days=2), timezone.localdate() - dt.timedelta(days=2))
    submitted = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    submission = Submission.objects.create(
        data_set=data_set,
        org=org,
        path=org.path,
        period=period,
        state=SubmissionState.APPROVED,
        submitted_at=submitted,
        on_time=True,
        approved_at=submitted + dt.timedelta(days=1),
        approved_by=approver,
    )
    services.submission_recount(submission)


def load_reports(orgs) -> None:
    if DataSet.objects.filter(code="org_building").exists():
        return
    data_sets = load_definitions(orgs.city, orgs.other_county)
    today = timezone.localdate()
    town_cadre = User.objects.filter(username="town_cadre").first()
    county_cadre = User.objects.filter(username="county_cadre").first()
    active = Org.objects.filter(status=OrgStatus.ACTIVE, path__startswith=orgs.county.path)
    villages = list(active.filter(kind=OrgKind.VILLAGE).order_by("path"))
    towns = list(active.filter(kind=OrgKind.TOWN).order_by("path"))
    with audit.acting_as(None):
        building = data_sets["org_building"]
        this_year = str(today.year)
        last_year = str(today.year - 1)
        for village in villages:
            if _n(village.code, 0, 9) != 0:  # about one in ten never reported last year
                _bulk_values(building, village, last_year, _figures(building, village, last_year))
                _approved(building, village, last_year, town_cadre)
            if village.pk != orgs.village.pk and _n(village.code + "y", 0, 9) < 6:
                # this year's report is coming in; village_chair files hers below
                _bulk_values(building, village, this_year, _figures(building, village, this_year))
                _approved(building, village, this_year, town_cadre)
        monthly = data_sets["rights_monthly"]
        for period in last_periods(
            PeriodType.MONTHLY, 10, until=today.replace(day=1) - dt.timedelta(days=1)
        ):
            for org in [*towns, orgs.county]:
                if (
                    period.end >= today - dt.timedelta(days=40)
                    and _n(org.code + period.id, 0, 3) == 0
                ):
                    continue  # the latest month is still coming in
                _bulk_values(monthly, org, period.id, _figures(monthly, org, period.id))
                _approved(monthly, org, period.id, county_cadre)
        cancer = data_sets["two_cancer"]
        for period in last_periods(PeriodType.QUARTERLY, 4, until=today - dt.timedelta(days=100)):
            _bulk_values(cancer, orgs.county, period.id, _figures(cancer, orgs.county, period.id))
            _approved(cancer, orgs.county, period.id, None)
    village_chair = User.objects.filter(username="village_chair").first()
    if village_chair is not None:
        services.values_save(
            actor=village_chair,
            data_set=building,
            org=orgs.village,
            period=this_year,
            entries=_figures(building, orgs.village, this_year),
        )
        services.submission_submit(
            actor=village_chair, data_set=building, org=orgs.village, period=this_year
        )
