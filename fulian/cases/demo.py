"""Demo cases for the demo city: every channel and state, some handling, a risk register.

Idempotent: nothing is added once the demo cases exist. Public submissions in the
demo answer to the follow-up code ``DEMO-2026-HELP`` with phone ending ``6688``.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from fulian.accounts.models import User
from fulian.core.calendar import add_working_days
from fulian.notifications.models import Notification
from fulian.workflow.models import Task

from . import enquiries, handling, risk, services
from .models import Case, Category, Channel, Enquiry, RiskEntry

DEMO_CODE = "DEMO2026HELP"
NAMES = [
    "王桂芳",
    "李秀英",
    "张丽娟",
    "刘春梅",
    "陈晓燕",
    "杨玉兰",
    "赵红霞",
    "黄美华",
    "周小琴",
    "吴海燕",
    "徐金凤",
    "孙丽萍",
    "胡玉梅",
    "朱晓红",
    "高秀珍",
    "林巧云",
]
SUMMARIES = {
    "domestic_violence": "丈夫酒后多次殴打，要求制止家暴并申请人身安全保护令。",
    "marriage_family": "丈夫长期不给生活费，要求协调抚养费和家庭财产分配。",
    "land_property": "出嫁后村里收回承包地，要求保障土地承包经营权。",
    "labour": "怀孕后被单位辞退，要求维护孕期劳动权益。",
    "personal": "遭受邻居辱骂威胁，要求维护人身权利。",
    "children": "离婚后对方拒绝让其探望孩子，要求协调探望权。",
    "other": "咨询妇女创业贷款政策。",
}


def _days_ago(n: int) -> datetime.date:
    return add_working_days(timezone.localdate(), -n)


def _receive(user: User, rng: random.Random, index: int, **extra) -> Case:
    category = extra.pop("category", None) or rng.choice(list(Category.objects.all()))
    channel = extra.pop("channel", None) or rng.choice(
        [Channel.VISIT, Channel.LETTER, Channel.PHONE, Channel.HOTLINE, Channel.REFERRAL]
    )
    return services.case_receive(
        actor=user,
        data=services.Intake(
            channel=channel,
            category=category,
            name=NAMES[index % len(NAMES)],
            phone=f"139{rng.randint(10000000, 99999999)}",
            summary=SUMMARIES.get(category.code, SUMMARIES["other"]),
            received_on=extra.pop("received_on", _days_ago(rng.randint(0, 40))),
            **extra,
        ),
    )


def _backdate_reply(case: Case, rng: random.Random) -> None:
    """Most demo replies came within the 3 days, a few late: the figures look like life."""
    day = min(
        add_working_days(case.received_on, rng.choice([0, 1, 1, 2, 2, 3, 3, 3, 5])),
        timezone.localdate(),
    )
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30)))
    Case.objects.filter(pk=case.pk).update(replied_at=at)
    Task.objects.filter(instance_id=case.process_id).update(completed_at=at)
    case.refresh_from_db()


def _progress(case: Case, user: User, step: int, today: datetime.date, rng: random.Random) -> None:
    """Move a case along: 0 open, 1 replied, 2 handled, 3 closed."""
    if step >= 1:
        services.case_reply(actor=user, case=case, text="已与当事人面谈，告知处理程序并联系对方。")
        _backdate_reply(case, rng)
    if step >= 2:
        day = max(case.received_on, today - datetime.timedelta(days=3))
        if case.category.code in ("marriage_family", "domestic_violence", "children"):
            handling.mediation_add(
                actor=user,
                case=case,
                held_on=day,
                notes="双方到场，初步达成分担抚养费的意见。",
                outcome="agreed",
                place="妇女之家",
            )
        handling.legal_aid_add(
            actor=user, case=case, kind="consultation", given_on=day, provider="市法律援助中心"
        )
        if case.category.code == "domestic_violence":
            referral = handling.referral_add(
                actor=user,
                case=case,
                agency="police",
                agency_name="派出所",
                referred_on=day,
                reason="协助出具家庭暴力告诫书",
            )
            handling.referral_outcome(
                actor=user, referral=referral, outcome="已出具告诫书", outcome_on=day
            )
        handling.follow_up_add(actor=user, case=case, visited_on=day, note="电话回访，情况稳定。")
    if step >= 3:
        services.case_close(
            actor=user,
            case=case,
            note="经调解双方达成一致，当事人表示满意。",
            satisfaction="satisfied",
        )


def ensure_categories() -> None:
    """The seeded dictionary (as migration 0002), back after a test flushed the tables."""
    from importlib import import_module

    seeded = import_module("fulian.cases.migrations.0002_seed_categories").CATEGORIES
    for order, (code, name, hides) in enumerate(seeded, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "order": order * 10, "hides_names": hides}
        )


@transaction.atomic
def load_cases(orgs) -> None:
    ensure_categories()
    if Case.objects.filter(number__startswith="WQ").exists():
        return
    rng = random.Random(6)  # noqa: S311 — demo data, repeatable on purpose
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_notification = last or 0
    today = timezone.localdate()
    handlers = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "city_rights",
                "county_cadre",
                "town_cadre",
                "village_chair",
                "city_office",
            ]
        )
    }
    if len(handlers) < 5:
        return
    index = 0
    # (handler, how many, states to cycle through)
    plan = [
        ("city_rights", 12, [0, 1, 2, 3]),
        ("county_cadre", 8, [1, 2, 3, 0]),
        ("town_cadre", 8, [3, 2, 1, 0]),
        ("village_chair", 4, [1, 3]),
    ]
    for username, count, steps in plan:
        user = handlers[username]
        for n in range(count):
            step = steps[n % len(steps)]
            # Open ones came in the last days; the rest over the past two months.
            received = _days_ago(rng.randint(0, 2) if step == 0 else rng.randint(3, 40))
            case = _receive(user, rng, index, received_on=received)
            index += 1
            _progress(case, user, step, today, rng)
    city = handlers["city_rights"]
    # Answered at once on the hotline; one extended; one long overdue (in her inbox).
    _receive(
        city,
        rng,
        index,
        channel=Channel.HOTLINE,
        received_on=today,
        answer_now="已解答离婚财产分割的法律规定。",
    )
    extended = _receive(city, rng, index + 1, received_on=_days_ago(2))
    services.case_extend(actor=city, case=extended, reason="需向当事人所在村核实情况")
    _receive(
        city, rng, index + 2, received_on=_days_ago(8), category=Category.objects.get(code="labour")
    )
    _load_public(orgs, rng)
    _load_enquiries(handlers["city_office"], rng)
    _load_risk(orgs)
    # The demo's history is made up: messages about it would only bury real ones.
    Notification.objects.filter(pk__gt=last_notification).delete()


def _load_public(orgs, rng: random.Random) -> None:
    from fulian.public.services import code_hash, public_user

    starter = public_user()
    for n, org in enumerate([orgs.city, orgs.town, orgs.city]):
        case = services.create_case(
            actor=None,
            starter=starter,
            data=services.Intake(
                channel=Channel.ONLINE,
                category=Category.objects.get(code="domestic_violence" if n else "marriage_family"),
                name=NAMES[(n + 5) % len(NAMES)],
                phone=f"1381234{6688 if n == 0 else rng.randint(1000, 9999)}",
                summary="网上求助：" + SUMMARIES["domestic_violence"],
            ),
            org=org,
            received_by=None,
        )
        if n == 0:
            case.public_code_hash = code_hash(DEMO_CODE)
            case.save(update_fields=["public_code_hash"])


def _load_enquiries(office: User, rng: random.Random) -> None:
    if Enquiry.objects.exists():
        return
    for n, (title, answer) in enumerate(
        [
            ("咨询三八红旗手评选条件", "已告知评选条件和推荐程序。"),
            ("来函商请联合开展家庭教育讲座", ""),
            ("来访反映社区妇女之家活动场地问题", ""),
            ("来电询问两癌筛查报名方式", "已告知报名时间和地点。"),
            ("来函邀请参加妇女议事会", ""),
        ]
    ):
        enquiries.enquiry_receive(
            actor=office,
            channel=[Channel.PHONE, Channel.LETTER, Channel.VISIT][n % 3],
            title=title,
            caller_name=NAMES[n + 8],
            caller_phone=f"137{rng.randint(10000000, 99999999)}",
            summary=title,
            received_on=_days_ago(n * 2),
            answer_now=answer,
        )


def _load_risk(orgs) -> None:
    if RiskEntry.objects.exists():
        return
    for village, household, situation, level in [
        (orgs.village, "张某某家庭", "丈夫酗酒后有打骂行为，妻子曾求助村妇联。", 3),
        (orgs.village, "李某某家庭", "夫妻长期分居，因抚养孩子问题争吵激烈。", 2),
        (orgs.village, "王某某（独居老人）", "子女在外地，独居，邻里纠纷频发。", 1),
        (orgs.other_village, "赵某某家庭", "婆媳矛盾激化，曾有肢体冲突。", 2),
    ]:
        risk.risk_entry_create(
            actor=None,
            org=village,
            household=household,
            situation=situation,
            risk_level=level,
            screening_every_days=30 if level < 3 else 14,
        )
