"""Public help (网上求助) without an account: submit, follow-up code, status.

Anti-automation, all on the Django cache (Redis in production, shared by workers):
- a one-time arithmetic challenge per form, which is also the double-post guard;
- at most ``SUBMITS_PER_IP`` submissions an hour per address, ``SUBMITS_PER_PHONE`` a
  day per phone;
- status look-ups: ``LOOKUP_FAILURES_PER_IP`` wrong tries an hour per address, and
  ``LOOKUP_FAILURES_GLOBAL`` from everyone together, after which every look-up is
  refused for the rest of the window — so guessing a 12-character code (31^12) by
  brute force is throttled long before it can matter, even from many addresses.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fulian.accounts.models import User
from fulian.cases import first_contact
from fulian.cases.models import Case, ContactState
from fulian.cases.services import Intake, create_case
from fulian.core.crypto import blind_index
from fulian.orgs.models import Org, OrgKind, OrgStatus
from fulian.people.validation import validate_phone

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out on the phone
CODE_LENGTH = 12
CODE_PURPOSE = "cases.public_code"
PUBLIC_USERNAME = "public_help"

SUBMITS_PER_IP = 5  # an hour
SUBMITS_PER_PHONE = 3  # a day
LOOKUP_FAILURES_PER_IP = 10  # an hour
LOOKUP_FAILURES_GLOBAL = 300  # an hour, all addresses together
HOUR, DAY = 3600, 86400
CHALLENGE_TTL = 1800

STATUS_TEXT = {
    ContactState.UNCLAIMED: gettext_lazy("已收到您的求助，正在安排工作人员受理"),
    ContactState.OPEN: gettext_lazy("已受理，工作人员正在办理"),
    ContactState.REPLIED: gettext_lazy("已答复，工作人员正在跟进"),
    ContactState.CLOSED: gettext_lazy("已办结"),
}


class Throttled(ValidationError):
    """Too many tries: the caller answers 429."""


def _hit(key: str, window: int) -> int:
    """Count one more event in the window; the first one starts the window."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


# --- the challenge -----------------------------------------------------------------------


def challenge_new() -> tuple[str, str]:
    """(token, question): the answer stays in the cache, used once."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = secrets.token_urlsafe(16)
    cache.set(f"public:challenge:{token}", a + b, CHALLENGE_TTL)
    return token, _("%(a)s 加 %(b)s 等于几？") % {"a": a, "b": b}


def challenge_check(token: str, answer: str) -> None:
    """Consume the challenge: a second post of the same form finds it gone."""
    key = f"public:challenge:{token or ''}"
    expected = cache.get(key)
    if expected is None:
        raise ValidationError(
            _("此表单已提交或已过期，请勿重复提交；如需再次求助请刷新页面重新填写"),
            code="challenge_used",
        )
    cache.delete(key)
    if str(answer or "").strip() != str(expected):
        raise ValidationError({"answer": [_("验证题答案不正确，请重新计算")]}, code="challenge")


# --- submission ----------------------------------------------------------------------------


def public_user() -> User:
    """The system account public submissions are started by; it can never sign in."""
    user, created = User.objects.get_or_create(
        username=PUBLIC_USERNAME, defaults={"full_name": "网上求助", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def areas():
    """What she may choose: the counties and towns (streets) that are open."""
    return Org.objects.filter(
        kind__in=[OrgKind.COUNTY, OrgKind.TOWN], status=OrgStatus.ACTIVE
    ).order_by("path")


def _handling_org(area: Org) -> Org:
    """The chosen org if someone there handles cases, else the nearest one above."""
    org = area
    while org is not None:
        if first_contact.handlers_of(org, "handle_case"):
            return org
        org = org.parent
    raise ValidationError(_("所选地区暂未开通网上求助，请拨打12338妇女维权热线"))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return blind_index(normalise_code(code), purpose=CODE_PURPOSE)


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass
class HelpRequest:
    name: str
    phone: str
    area: Org | None
    category: object
    summary: str
    challenge_token: str
    challenge_answer: str


def _limit_submissions(ip: str | None, phone: str) -> None:
    if ip and _count(f"public:submit:ip:{ip}") >= SUBMITS_PER_IP:
        raise Throttled(_("提交过于频繁，请稍后再试；紧急情况请拨打110或12338"))
    if _count(f"public:submit:phone:{phone}") >= SUBMITS_PER_PHONE:
        raise Throttled(_("该手机号今天已提交多次，请等待工作人员联系；紧急情况请拨打110或12338"))


def help_request_submit(*, data: HelpRequest, ip: str | None) -> tuple[Case, str]:
    """Her request becomes an unclaimed case at the org she chose; she gets the only code."""
    errors: dict[str, list[str]] = {}
    phone = ""
    try:
        phone = validate_phone(data.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if data.area is None:
        errors["area"] = [_("请选择您所在的县（市、区）或乡镇（街道）")]
    if errors:
        raise ValidationError(errors)
    _limit_submissions(ip, phone)
    challenge_check(data.challenge_token, data.challenge_answer)
    org = _handling_org(data.area)
    code = new_code()
    with transaction.atomic():
        case = create_case(
            actor=None,
            starter=public_user(),
            data=Intake(
                channel="online",
                category=data.category,
                name=data.name,
                phone=phone,
                summary=data.summary,
            ),
            org=org,
            received_by=None,
        )
        case.public_code_hash = code_hash(code)
        case.save(update_fields=["public_code_hash"])
    if ip:
        _hit(f"public:submit:ip:{ip}", HOUR)
    _hit(f"public:submit:phone:{phone}", DAY)
    return case, code


# --- status ------------------------------------------------------------------------------------


def _throttled(ip: str | None) -> bool:
    return (ip is not None and _count(f"public:lookup:ip:{ip}") >= LOOKUP_FAILURES_PER_IP) or (
        _count("public:lookup:all") >= LOOKUP_FAILURES_GLOBAL
    )


def help_status(*, code: str, phone_last4: str, ip: str | None) -> str | None:
    """The status text for code + last 4 phone digits, or None; nothing else, ever."""
    if _throttled(ip):
        raise Throttled(_("查询失败次数过多，请一小时后再试"))
    code = normalise_code(code)
    last4 = (phone_last4 or "").strip()
    case = None
    if len(code) == CODE_LENGTH and len(last4) == 4 and last4.isdigit():
        case = Case.objects.filter(public_code_hash=code_hash(code)).first()
    if case is None or not hmac.compare_digest(case.phone[-4:], last4):
        if ip:
            _hit(f"public:lookup:ip:{ip}", HOUR)
        _hit("public:lookup:all", HOUR)
        return None
    return str(STATUS_TEXT[case.state])
