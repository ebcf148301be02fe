"""Generate a national-size org tree straight into PostgreSQL, fast.

Going through the ORM (or ``orgs_create_many``) would take hours for a million orgs,
so this allocates ids itself, computes ``path``/``depth``/``child_count`` in Python
and streams the rows with one COPY. The secondary indexes and foreign keys of
``orgs_org`` are dropped for the load and rebuilt afterwards (one sorted build per
index instead of a million random inserts), all inside one transaction: if anything
fails the table is left as it was.

Ids are handed out breadth first (the root, then the provinces and the national
departments, then every city ...), which is roughly the order a real import would
create them in, so a subtree's rows are spread over the table as they would be.
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass, field

from django.db import connection, transaction

from fulian.orgs.models import GENERATED_CODE_LETTER, Org, OrgKind, encode_segment

SEED = 20231231
# Bump when the shape of the generated tree changes, so old bench databases regenerate.
VERSION = 1
TABLE = Org._meta.db_table
MARKER_TABLE = "bench_marker"

# Real province codes with a weight close to their number of villages/communities in
# 2023 (thousands) and their number of prefecture-level units; the totals below are
# shared out by these weights so Shandong is the largest province, as in reality.
PROVINCES = [
    ("11", "北京市", "京", 7.2, 1),
    ("12", "天津市", "津", 5.3, 1),
    ("13", "河北省", "冀", 51.5, 11),
    ("14", "山西省", "晋", 28.5, 11),
    ("15", "内蒙古自治区", "蒙", 14.5, 12),
    ("21", "辽宁省", "辽", 16.0, 14),
    ("22", "吉林省", "吉", 11.3, 9),
    ("23", "黑龙江省", "黑", 11.8, 13),
    ("31", "上海市", "沪", 6.0, 1),
    ("32", "江苏省", "苏", 21.5, 13),
    ("33", "浙江省", "浙", 25.0, 11),
    ("34", "安徽省", "皖", 17.8, 16),
    ("35", "福建省", "闽", 17.3, 9),
    ("36", "江西省", "赣", 21.4, 11),
    ("37", "山东省", "鲁", 62.1, 16),
    ("41", "河南省", "豫", 51.6, 17),
    ("42", "湖北省", "鄂", 27.0, 17),
    ("43", "湖南省", "湘", 29.5, 14),
    ("44", "广东省", "粤", 26.6, 21),
    ("45", "广西壮族自治区", "桂", 16.5, 14),
    ("46", "海南省", "琼", 3.7, 4),
    ("50", "重庆市", "渝", 11.2, 2),
    ("51", "四川省", "川", 34.6, 21),
    ("52", "贵州省", "贵", 17.6, 9),
    ("53", "云南省", "云", 15.1, 16),
    ("54", "西藏自治区", "藏", 5.7, 7),
    ("61", "陕西省", "陕", 20.2, 10),
    ("62", "甘肃省", "甘", 17.5, 14),
    ("63", "青海省", "青", 4.6, 8),
    ("64", "宁夏回族自治区", "宁", 2.8, 5),
    ("65", "新疆维吾尔自治区", "新", 13.0, 14),
]
# Administrative units below the provinces at scale 1.0 (cities come from PROVINCES).
TOTALS = {OrgKind.COUNTY: 2_700, OrgKind.TOWN: 38_000, OrgKind.VILLAGE: 610_000}
BELOW = {
    OrgKind.PROVINCE: OrgKind.CITY,
    OrgKind.CITY: OrgKind.COUNTY,
    OrgKind.COUNTY: OrgKind.TOWN,
    OrgKind.TOWN: OrgKind.VILLAGE,
}
# Where each level's own digits sit in the 12-digit code, and how many there are.
DIGITS = {
    OrgKind.CITY: (2, 2),
    OrgKind.COUNTY: (4, 2),
    OrgKind.TOWN: (6, 3),
    OrgKind.VILLAGE: (9, 3),
}
SUFFIX = {OrgKind.CITY: "市", OrgKind.COUNTY: "县", OrgKind.TOWN: "镇", OrgKind.VILLAGE: "村"}
# Spread of sizes between siblings (log-normal sigma): some cities are three times the
# median, which gives the ~10 000-org subtrees the move benchmark needs.
SIGMA = 0.6

# Branches per parent kind, (min, max) each, not scaled: they hang on every unit.
# Means: ~75 per province, ~126 per city, ~77 per county, ~3 per town => ~1.0 M total.
BRANCHES = {
    OrgKind.NATIONAL: {OrgKind.DEPARTMENT: (12, 12), OrgKind.SOCIAL_ORG: (5, 5)},
    OrgKind.PROVINCE: {
        OrgKind.DEPARTMENT: (8, 12),
        OrgKind.ENTERPRISE: (10, 30),
        OrgKind.CHAMBER: (3, 8),
        OrgKind.LIAISON_OFFICE: (2, 8),
        OrgKind.AGENCY_COMMITTEE: (10, 30),
        OrgKind.SOCIAL_ORG: (8, 20),
        OrgKind.VOLUNTEER_TEAM: (5, 15),
    },
    OrgKind.CITY: {
        OrgKind.DEPARTMENT: (6, 10),
        OrgKind.ENTERPRISE: (20, 60),
        OrgKind.CHAMBER: (5, 15),
        OrgKind.LIAISON_OFFICE: (1, 5),
        OrgKind.AGENCY_COMMITTEE: (20, 40),
        OrgKind.SOCIAL_ORG: (10, 30),
        OrgKind.VOLUNTEER_TEAM: (8, 22),
    },
    OrgKind.COUNTY: {
        OrgKind.DEPARTMENT: (4, 8),
        OrgKind.ENTERPRISE: (12, 38),
        OrgKind.CHAMBER: (2, 6),
        OrgKind.AGENCY_COMMITTEE: (12, 28),
        OrgKind.SOCIAL_ORG: (6, 18),
        OrgKind.VOLUNTEER_TEAM: (5, 15),
    },
    OrgKind.TOWN: {
        OrgKind.ENTERPRISE: (0, 2),
        OrgKind.SOCIAL_ORG: (0, 1),
        OrgKind.VOLUNTEER_TEAM: (0, 3),
    },
}
BRANCH_LABEL = {
    OrgKind.ENTERPRISE: "企业妇委会",
    OrgKind.CHAMBER: "商会妇联",
    OrgKind.LIAISON_OFFICE: "异地商会联络处",
    OrgKind.AGENCY_COMMITTEE: "机关妇委会",
    OrgKind.SOCIAL_ORG: "女性社会组织",
    OrgKind.VOLUNTEER_TEAM: "巾帼志愿服务队",
}
DEPARTMENTS = [
    "办公室",
    "组织联络部",
    "宣传部",
    "权益部",
    "家庭和儿童工作部",
    "发展部",
    "财务部",
    "机关党委",
    "研究室",
    "国际联络部",
    "人事部",
    "信息中心",
]
# NBS urban-rural codes for towns and villages, by rough frequency.
URBAN_RURAL = ["220"] * 14 + ["111"] * 3 + ["112", "121", "122", "210"]

COLUMNS = (
    "id",
    "name",
    "short_name",
    "kind",
    "parent_id",
    "path",
    "depth",
    "code",
    "urban_rural",
    "has_federation",
    "status",
    "closed_on",
    "closed_reason",
    "merged_into_id",
    "child_count",
    "created_at",
    "updated_at",
)
CREATED = "2024-01-01 08:00:00+08"


@dataclass
class _Node:
    id: int
    kind: str
    code: str
    path: str
    depth: int
    base: str  # name without the 妇联 suffix, prefix of the children's names
    # Administrative units still to create below, by kind (only for units).
    budget: dict[str, int] = field(default_factory=dict)


def _split(total: int, weights: list[float], minimum: int) -> list[int]:
    """Share ``total`` by ``weights`` (largest remainder), at least ``minimum`` each."""
    floor = minimum if total >= minimum * len(weights) else 0
    rest = total - floor * len(weights)
    whole = sum(weights)
    raw = [rest * w / whole for w in weights]
    shares = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in by_remainder[: rest - sum(shares)]:
        shares[i] += 1
    return [floor + s for s in shares]


def _province_budgets(scale: float) -> list[dict[str, int]]:
    weights = [p[3] for p in PROVINCES]
    cities = [max(1, round(p[4] * scale)) for p in PROVINCES]
    budgets = [{OrgKind.CITY: c} for c in cities]
    floor = cities
    for kind in (OrgKind.COUNTY, OrgKind.TOWN, OrgKind.VILLAGE):
        target = max(sum(floor), round(TOTALS[kind] * scale))
        # Every unit gets at least one child; the rest goes by weight.
        extra = _split(target - sum(floor), weights, 0)
        shares = [f + e for f, e in zip(floor, extra, strict=True)]
        for budget, share in zip(budgets, shares, strict=True):
            budget[kind] = share
        floor = shares
    return budgets


class _Writer:
    """Formats rows as COPY text and hands them to the server in large chunks."""

    def __init__(self, copy):
        self.copy = copy
        self.lines: list[str] = []
        self.rows = 0

    def row(
        self,
        node: _Node,
        *,
        name: str,
        short: str,
        parent_id: int | None,
        children: int,
        urban_rural: str = "",
        federation: bool = True,
        closed: bool = False,
    ) -> None:
        status, closed_on, reason = (
            ("closed", "2023-06-30", "区划调整") if closed else ("active", "\\N", "")
        )
        self.lines.append(
            "\t".join(
                (
                    str(node.id),
                    name,
                    short,
                    node.kind,
                    "\\N" if parent_id is None else str(parent_id),
                    node.path,
                    str(node.depth),
                    node.code,
                    urban_rural,
                    "t" if federation else "f",
                    status,
                    closed_on,
                    reason,
                    "\\N",
                    str(children),
                    CREATED,
                    CREATED,
                )
            )
        )
        self.rows += 1
        if len(self.lines) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.copy.write("\n".join(self.lines) + "\n")
            self.lines = []


def _children_of(node: _Node, rng: random.Random, next_id) -> list[_Node]:
    """Create the children of ``node`` (units from its budget, then its branches)."""
    children: list[_Node] = []
    child_kind = BELOW.get(node.kind)
    count = node.budget.get(child_kind, 0) if child_kind else 0
    if count:
        start, width = DIGITS[child_kind]
        if count >= 10**width:
            raise ValueError(f"{count} {child_kind}s under {node.code} do not fit the code")
        weights = [rng.lognormvariate(0, SIGMA) for _ in range(count)]
        shares = {
            kind: _split(total, weights, 1)
            for kind, total in node.budget.items()
            if kind != child_kind
        }
        for i in range(count):
            own = str(i + 1).zfill(width)
            code = (node.code[:start] + own).ljust(12, "0")
            child_id = next_id()
            children.append(
                _Node(
                    child_id,
                    child_kind,
                    code,
                    node.path + encode_segment(child_id),
                    node.depth + 1,
                    f"{node.base}{i + 1}{SUFFIX[child_kind]}",
                    {kind: values[i] for kind, values in shares.items()},
                )
            )
    for kind, (low, high) in BRANCHES.get(node.kind, {}).items():
        letter = GENERATED_CODE_LETTER[kind]
        for n in range(1, rng.randint(low, high) + 1):
            child_id = next_id()
            label = (
                DEPARTMENTS[(n - 1) % len(DEPARTMENTS)]
                if kind == OrgKind.DEPARTMENT
                else f"{BRANCH_LABEL[kind]}{n}"
            )
            children.append(
                _Node(
                    child_id,
                    kind,
                    f"{node.code}-{letter}{n:03d}",
                    node.path + encode_segment(child_id),
                    node.depth + 1,
                    f"{node.base}{label}",
                )
            )
    return children


def _stream_tree(copy, scale: float) -> int:
    """Walk the tree breadth first, writing each org once its children are known."""
    rng = random.Random(SEED)
    writer = _Writer(copy)
    counter = [0]

    def next_id() -> int:
        counter[0] += 1
        return counter[0]

    root = _Node(next_id(), OrgKind.NATIONAL, "0" * 12, "", 1, "全国")
    root.path = encode_segment(root.id)
    queue: deque[tuple[_Node, int | None, str, str]] = deque()
    # The provinces are made by hand (real codes and names), everything else by budget.
    provinces = []
    for (code, name, short, _w, _c), budget in zip(
        PROVINCES, _province_budgets(scale), strict=True
    ):
        pid = next_id()
        provinces.append(
            (
                _Node(
                    pid,
                    OrgKind.PROVINCE,
                    code + "0" * 10,
                    root.path + encode_segment(pid),
                    2,
                    short,
                    budget,
                ),
                f"{name}妇女联合会",
                short,
            )
        )
    root_children = [p for p, _n, _s in provinces] + _children_of(root, rng, next_id)
    writer.row(
        root,
        name="中华全国妇女联合会",
        short="全国妇联",
        parent_id=None,
        children=len(root_children),
    )
    for node, name, short in provinces:
        queue.append((node, root.id, name, short))
    for node in root_children[len(provinces) :]:
        queue.append((node, root.id, node.base, ""))
    while queue:
        node, parent_id, name, short = queue.popleft()
        children = _children_of(node, rng, next_id) if node.kind in BRANCHES else []
        # A few closed leaves (villages, branches), so status filters have work to do.
        closed = (node.kind == OrgKind.VILLAGE or node.kind in BRANCH_LABEL) and (
            rng.random() < 0.003
        )
        ur = rng.choice(URBAN_RURAL) if node.kind in (OrgKind.TOWN, OrgKind.VILLAGE) else ""
        federation = node.kind != OrgKind.VILLAGE or rng.random() < 0.97
        writer.row(
            node,
            name=name,
            short=short,
            parent_id=parent_id,
            children=len(children),
            urban_rural=ur,
            federation=federation,
            closed=closed,
        )
        for child in children:
            label = child.base + ("妇联" if child.kind in SUFFIX else "")
            queue.append((child, node.id, label, ""))
    writer.flush()
    return writer.rows


# --- the load ------------------------------------------------------------------------


def _secondary_objects(cursor) -> tuple[list[str], list[str], list[str]]:
    """DDL to drop and to recreate every index and constraint but the primary key."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname",
        [TABLE],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [TABLE],
    )
    indexes = cursor.fetchall()
    # Unique constraints come back with the indexes, foreign keys last (they check rows).
    drop = [f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"' for name, _ in constraints]
    drop += [f"DROP INDEX {name}" for name, _ in indexes]
    create_indexes = [ddl for _, ddl in indexes]
    create_indexes += [
        f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {ddl}'
        for name, ddl in constraints
        if ddl.startswith("UNIQUE")
    ]
    add_fks = [
        f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {ddl}'
        for name, ddl in constraints
        if ddl.startswith("FOREIGN")
    ]
    return drop, create_indexes, add_fks


def _ensure_marker(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id int PRIMARY KEY, scale float8, "
        "version int, orgs bigint, seconds float8, generated_at timestamptz DEFAULT now())"
    )


def read_marker() -> dict | None:
    """What the last generation left behind, or None when this is not a bench tree."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(
            f"SELECT scale, version, orgs, seconds, generated_at FROM {MARKER_TABLE} WHERE id = 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(("scale", "version", "orgs", "seconds", "generated_at"), row, strict=True))


def generate_national_tree(scale: float = 1.0, *, regenerate: bool = False, log=print) -> dict:
    """Fill ``orgs_org`` with a national tree unless the same tree is already there.

    Refuses to truncate a table it did not fill itself (no marker) unless
    ``regenerate`` is set, so pointing the bench at a real database cannot wipe it.
    Returns the marker: scale, version, orgs, seconds, generated_at.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("the tree generator needs PostgreSQL")
    marker = read_marker()
    existing = Org.objects.count()
    if (
        not regenerate
        and marker
        and marker["scale"] == scale
        and marker["version"] == VERSION
        and existing == marker["orgs"]
    ):
        log(f"Tree already generated: {existing:,} orgs (scale {scale}); skipping.")
        return marker
    if existing and not marker and not regenerate:
        raise RuntimeError(
            f"{TABLE} holds {existing:,} orgs that the bench did not generate; "
            "refusing to truncate it without --regenerate"
        )
    log(f"Generating the national tree at scale {scale} ...")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Session-local knobs for the bulk load only; the server config is untouched.
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY CASCADE")
        drop, create_indexes, add_fks = _secondary_objects(cursor)
        for ddl in drop:
            cursor.execute(ddl)
        with cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            rows = _stream_tree(copy, scale)
        loaded = time.perf_counter()
        log(
            f"  copied {rows:,} rows in {loaded - started:.1f} s; rebuilding "
            f"{len(create_indexes)} indexes and {len(add_fks)} foreign keys ..."
        )
        for ddl in create_indexes + add_fks:
            cursor.execute(ddl)
        # New orgs created later must get ids after ours.
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [TABLE, rows])
        _ensure_marker(cursor)
        seconds = time.perf_counter() - started
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (id, scale, version, orgs, seconds) "
            "VALUES (1, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET scale = "
            "EXCLUDED.scale, version = EXCLUDED.version, orgs = EXCLUDED.orgs, "
            "seconds = EXCLUDED.seconds, generated_at = now()",
            [scale, VERSION, rows, seconds],
        )
    log(f"  indexes rebuilt in {time.perf_counter() - loaded:.1f} s; vacuum analyze ...")
    # Outside the transaction: sets the visibility map (index-only scans) and the stats.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {TABLE}")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {MARKER_TABLE} SET seconds = %s WHERE id = 1", [seconds])
    log(f"  generated {rows:,} orgs in {seconds:.1f} s")
    return read_marker()
