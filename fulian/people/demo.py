"""Demo people for the demo city: a few hundred women and children with tags.

Generated deterministically (the same every run) and written through the services,
so they are deduplicated, encrypted and audited like real registrations.
"""

from __future__ import annotations

import datetime
import random

from fulian.orgs.models import Org, OrgKind

from . import services
from .models import Category, LegalBasis, Person, Tag
from .validation import is_known_region

DEFAULT_TAGS = [
    ("困难妇女", "生活困难、需要帮扶的妇女"),
    ("贫困母亲", "纳入贫困母亲帮扶的母亲"),
    ("下岗失业", "下岗或失业、有就业需求"),
    ("留守妇女", "丈夫长期外出务工"),
    ("留守儿童", "父母双方或一方外出务工的儿童"),
    ("残疾", "持有残疾证"),
    ("单亲", "单亲家庭"),
    ("两癌患者", "宫颈癌、乳腺癌患者"),
    ("家庭暴力受害", "曾遭受家庭暴力"),
]
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = [
    "秀英",
    "桂英",
    "秀兰",
    "玉兰",
    "桂兰",
    "秀珍",
    "凤英",
    "玉珍",
    "玉英",
    "兰英",
    "丽",
    "静",
    "敏",
    "燕",
    "艳",
    "娟",
    "霞",
    "芳",
    "红",
    "梅",
    "丽娟",
    "海燕",
    "红梅",
    "晓燕",
    "雪梅",
    "春梅",
    "美玲",
    "慧",
    "婷",
    "欣怡",
    "雨涵",
    "梓涵",
    "子涵",
    "诗涵",
]
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make_id_number(region: str, birth: datetime.date, sequence: int, female: bool) -> str:
    """A well-formed resident ID number (GB 11643) for demo data."""
    order = sequence * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{order % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
    return body + check


def load_tags() -> list[Tag]:
    tags = []
    for order, (name, description) in enumerate(DEFAULT_TAGS):
        tag, _ = Tag.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
        tags.append(tag)
    return tags


def load_people(*, per_village: int = 3, villages: int = 120, include=()) -> int:
    """Women (some with a child under 14 and her guardian link) across the villages."""
    if Person.objects.exists():
        return 0
    tags = {t.name: t for t in load_tags()}
    rng = random.Random(20261124)  # noqa: S311 — demo data, not security
    chosen = list(Org.objects.filter(kind=OrgKind.VILLAGE).order_by("code"))
    rng.shuffle(chosen)
    picked = {o.pk: o for o in [*include, *chosen[:villages]]}
    created = 0
    for village in sorted(picked.values(), key=lambda o: o.code):
        # Development zones have division codes but issue no ID numbers.
        region = village.code[:6] if is_known_region(village.code[:6]) else "321202"
        for i in range(per_village):
            birth = datetime.date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28))
            mother = services.person_create(
                actor=None,
                data=services.PersonData(
                    name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                    org=village,
                    id_number=make_id_number(region, birth, rng.randint(1, 499), female=True),
                    phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                    category=Category.WOMAN,
                    address=f"{village.name.removesuffix('妇联')}{i + 1}组",
                    education=rng.choice(["primary", "junior", "senior", "college"]),
                    legal_basis=LegalBasis.STATUTORY,
                ),
                tags=[
                    tags[n]
                    for n in rng.sample(sorted(tags), k=rng.randint(0, 2))
                    if n not in {"留守儿童"}
                ],
            )
            created += 1
            if birth.year >= 1985 and rng.random() < 0.5:
                child_birth = datetime.date(
                    rng.randint(2014, 2022), rng.randint(1, 12), rng.randint(1, 28)
                )
                services.person_create(
                    actor=None,
                    data=services.PersonData(
                        name=mother.name[0] + rng.choice(_GIVEN[-6:]),
                        org=village,
                        id_number=make_id_number(
                            region, child_birth, rng.randint(1, 499), female=True
                        ),
                        category=Category.CHILD,
                        legal_basis=LegalBasis.STATUTORY,
                    ),
                    guardian=mother,
                    guardian_kind="mother",
                    tags=[tags["留守儿童"]] if rng.random() < 0.4 else [],
                )
                created += 1
    return created
