"""Excel import of orgs: template, dry run with per-row errors, all-or-nothing import."""

from __future__ import annotations

import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.contrib.auth.models import Permission

from fulian.accounts.models import Position, Role, User
from fulian.core.errors import RowErrors
from fulian.orgs import importing
from fulian.orgs.importing import (
    COL_CODE,
    COL_FEDERATION,
    COL_KIND,
    COL_NAME,
    COL_PARENT,
    COL_URBAN,
    COLUMNS,
    build_template,
    import_orgs,
    parse_workbook,
)
from fulian.orgs.models import Org, OrgKind
from fulian.orgs.services import org_create

pytestmark = pytest.mark.django_db

TOWN = "321202001000"
VILLAGE_1 = "321202001001"
VILLAGE_2 = "321202001002"


def _rows_on_the_tree() -> list:
    """Every model whose rows hang on an org, directly or through other rows."""
    from django.apps import apps

    hanging = {Org}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models(include_auto_created=True):
            if model in hanging:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if targets & hanging:
                hanging.add(model)
                grew = True
    return list(hanging)


@pytest.fixture(autouse=True)
def _empty_tree(db):
    """These tests build their own small tree: the seeded demo city is set aside.

    A raw delete inside the test transaction of every row that hangs on the tree (every
    module's records, found from the foreign keys): foreign keys are deferred and the
    transaction is rolled back, so the demo city is back for the next test.
    """
    for model in _rows_on_the_tree():
        model.objects.all()._raw_delete(model.objects.db)


@pytest.fixture
def tree():
    """National → 江苏 → 泰州 → 海陵区, 高港区 (created by the system)."""
    national = org_create(
        actor=None, name="全国妇联", kind="national", parent=None, code="000000000000"
    )
    province = org_create(
        actor=None, name="江苏省妇联", kind="province", parent=national, code="320000000000"
    )
    city = org_create(
        actor=None, name="泰州市妇联", kind="city", parent=province, code="321200000000"
    )
    hailing = org_create(
        actor=None, name="海陵区妇联", kind="county", parent=city, code="321202000000"
    )
    gaogang = org_create(
        actor=None, name="高港区妇联", kind="county", parent=city, code="321203000000"
    )
    return SimpleNamespace(
        national=national, province=province, city=city, hailing=hailing, gaogang=gaogang
    )


def workbook_file(rows, header=COLUMNS) -> io.BytesIO:
    """An in-memory .xlsx whose first sheet is ``header`` then ``rows``."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def town_and_villages():
    """Villages first: a parent may be defined anywhere in the file."""
    return [
        ("城东街道某村妇联", "村（社区）妇联", TOWN, VILLAGE_1, "", "220", "是"),
        ("城东街道某社区妇联", "village", TOWN, VILLAGE_2, "", "111", "否"),
        ("城东街道妇联", "乡镇（街道）妇联", "321202000000", TOWN, "城东", "121", ""),
    ]


def assert_rejected(file, expected, *, actor=None):
    """Every expected (row, column, message part) is reported and nothing is written."""
    before = Org.objects.count()
    result = parse_workbook(file, actor=actor)
    assert not result.ok
    for row, column, part in expected:
        assert any(r == row and c == column and part in m for r, c, m in result.errors), (
            (row, column, part),
            result.errors,
        )
    with pytest.raises(RowErrors) as caught:
        import_orgs(file, actor=actor)
    assert caught.value.rows == result.errors
    assert Org.objects.count() == before
    return result.errors


# --- template --------------------------------------------------------------------------


def test_template_has_the_headers_a_help_sheet_and_no_data_rows():
    workbook = openpyxl.load_workbook(io.BytesIO(build_template()))

    assert workbook.sheetnames == ["组织", "说明"]
    data = workbook["组织"]
    assert [cell.value for cell in data[1]] == COLUMNS
    assert data[1][0].font.bold
    assert data.max_row == 1
    assert data.column_dimensions["A"].width > 20
    help_text = {str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value}
    assert {"村（社区）妇联", "内设部室", "village", "111", "220", "是", "否"} <= help_text
    assert "321202001000" in help_text  # the example rows live on the help sheet
    dropdowns = {str(v.sqref).split(":")[0] for v in data.data_validations.dataValidation}
    assert {"B2", "G2"} <= dropdowns


def test_a_file_filled_in_from_the_template_imports(tree):
    workbook = openpyxl.load_workbook(io.BytesIO(build_template()))
    for row in town_and_villages():
        workbook["组织"].append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)

    created = import_orgs(buffer, actor=None)

    assert sorted(o.code for o in created) == [TOWN, VILLAGE_1, VILLAGE_2]


# --- a valid file ----------------------------------------------------------------------


def test_town_and_its_villages_import_with_paths_under_the_town(tree):
    result = parse_workbook(workbook_file(town_and_villages()), actor=None)
    assert result.ok, result.errors
    assert result.total == 3

    import_orgs(workbook_file(town_and_villages()), actor=None)

    town = Org.objects.get(code=TOWN)
    assert town.parent == tree.hailing
    assert town.path.startswith(tree.hailing.path)
    assert town.depth == tree.hailing.depth + 1
    assert (town.short_name, town.urban_rural, town.has_federation) == ("城东", "121", True)
    for code in (VILLAGE_1, VILLAGE_2):
        village = Org.objects.get(code=code)
        assert village.kind == OrgKind.VILLAGE
        assert village.parent == town
        assert village.path.startswith(town.path)
        assert village.depth == town.depth + 1
    assert Org.objects.get(code=VILLAGE_2).has_federation is False
    town.refresh_from_db()
    assert town.child_count == 2


def test_number_cells_and_padded_headers_are_read_as_text(tree):
    header = [f" {label} " for label in COLUMNS]
    rows = [
        ("城东街道妇联", "乡镇(街道)妇联", 321202000000, float(TOWN), "", 121, None),
        (None, None, None, None, None, None, None),  # an empty row is skipped
        ("城东街道某村妇联", "村(社区)妇联", float(TOWN), int(VILLAGE_1), "", "220.0", "否"),
    ]

    created = import_orgs(workbook_file(rows, header=header), actor=None)

    assert sorted(o.code for o in created) == [TOWN, VILLAGE_1]
    village = Org.objects.get(code=VILLAGE_1)
    assert (village.parent.code, village.urban_rural) == (TOWN, "220")


def test_a_department_without_a_code_gets_a_generated_one(tree):
    org_create(actor=None, name="组织部", kind="department", parent=tree.city)  # -D001
    rows = [
        ("泰州市妇联宣传部", "内设部室", "321200000000", "", "", "", ""),
        ("泰州市妇联权益部", "department", "321200000000", None, "", "", ""),
    ]

    created = import_orgs(workbook_file(rows), actor=None)

    assert sorted(o.code for o in created) == ["321200000000-D002", "321200000000-D003"]
    assert all(o.parent == tree.city and o.depth == tree.city.depth + 1 for o in created)


# --- row errors: each reported where it is, and nothing written ------------------------


def test_a_division_code_not_under_the_parents_prefix_is_refused(tree):
    rows = [
        *town_and_villages(),
        ("错位村妇联", "村（社区）妇联", TOWN, "321203001003", "", "", ""),
    ]

    assert_rejected(workbook_file(rows), [(5, COL_CODE, "前 9 位")])


def test_a_code_of_the_wrong_level_is_refused(tree):
    rows = [("城东街道妇联", "乡镇（街道）妇联", "321202000000", "321202001001", "", "", "")]

    assert_rejected(workbook_file(rows), [(2, COL_CODE, "不是乡镇（街道）妇联级别")])


def test_a_village_directly_under_a_county_is_refused(tree):
    rows = [("某村妇联", "村（社区）妇联", "321202000000", VILLAGE_1, "", "", "")]

    assert_rejected(workbook_file(rows), [(2, COL_PARENT, "上级应为乡镇（街道）妇联")])


def test_an_unknown_kind_is_refused(tree):
    rows = [*town_and_villages(), ("某居委会", "居委会", TOWN, "321202001009", "", "", "")]

    assert_rejected(workbook_file(rows), [(5, COL_KIND, "未知的组织类型“居委会”")])


def test_a_parent_that_exists_nowhere_is_refused(tree):
    rows = [
        *town_and_villages(),
        ("某村妇联", "村（社区）妇联", "321202099000", "321202099001", "", "", ""),
        ("无上级妇联", "内设部室", "", "", "", "", ""),
    ]

    assert_rejected(
        workbook_file(rows),
        [
            (5, COL_PARENT, "上级组织代码不存在：321202099000"),
            (6, COL_PARENT, "请填写上级组织代码"),
        ],
    )


def test_a_code_used_twice_in_the_file_is_reported_on_both_rows(tree):
    rows = [*town_and_villages(), ("重复村妇联", "村（社区）妇联", TOWN, VILLAGE_1, "", "", "")]

    assert_rejected(
        workbook_file(rows),
        [
            (2, COL_CODE, "与第5行代码重复"),
            (5, COL_CODE, "与第2行代码重复"),
        ],
    )


def test_a_code_already_in_the_database_is_refused(tree):
    org_create(actor=None, name="城东街道妇联", kind="town", parent=tree.hailing, code=TOWN)

    errors = assert_rejected(
        workbook_file(town_and_villages()), [(4, COL_CODE, f"代码已存在：{TOWN}")]
    )
    assert [e[0] for e in errors] == [4]  # the villages may hang under the existing town


def test_an_invalid_urban_rural_code_and_yes_no_are_refused(tree):
    rows = [
        *town_and_villages(),
        ("某村妇联", "村（社区）妇联", TOWN, "321202001009", "", "999", "也许"),
    ]

    assert_rejected(
        workbook_file(rows),
        [
            (5, COL_URBAN, "城乡分类代码“999”无效"),
            (5, COL_FEDERATION, "是"),
        ],
    )


def test_a_code_cell_with_a_fraction_is_refused(tree):
    rows = [("城东街道妇联", "乡镇（街道）妇联", "321202000000", 321202001000.5, "", "", "")]

    assert_rejected(workbook_file(rows), [(2, COL_CODE, "12位数字")])


def test_rows_keep_their_excel_numbers_across_empty_rows(tree):
    rows = [
        town_and_villages()[2],
        (None,) * 7,
        (None,) * 7,
        ("", "村（社区）妇联", TOWN, "321202001009", "", "", ""),
    ]

    assert_rejected(workbook_file(rows), [(5, COL_NAME, "请填写组织名称")])


def test_parents_that_form_a_cycle_are_refused(tree):
    rows = [
        ("甲", "内设部室", "X-2", "X-1", "", "", ""),
        ("乙", "内设部室", "X-1", "X-2", "", "", ""),
        ("丙", "内设部室", "X-1", "X-3", "", "", ""),
        ("丁", "内设部室", "X-4", "X-4", "", "", ""),
    ]

    assert_rejected(
        workbook_file(rows),
        [
            (2, COL_PARENT, "循环引用（第2、3行）"),
            (3, COL_PARENT, "循环引用"),
            (4, COL_PARENT, "处于循环引用中"),
            (5, COL_PARENT, "不能是本行的代码"),
        ],
    )


def test_a_missing_header_is_named(tree):
    header = [c for c in COLUMNS if c != COL_PARENT]

    errors = assert_rejected(
        workbook_file([("某妇联", "内设部室", "", "", "", "")], header=header),
        [(1, COL_PARENT, "缺少表头")],
    )
    assert len(errors) == 1


def test_a_file_that_is_not_xlsx_is_refused(tree):
    csv = io.BytesIO("组织名称,类型\n某妇联,内设部室\n".encode())

    errors = assert_rejected(csv, [(0, "文件", "无法读取文件")])
    assert errors == [(0, "文件", "无法读取文件，请使用系统提供的 Excel 模板（.xlsx）")]


def test_too_many_rows_are_refused(tree, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)

    assert_rejected(workbook_file(town_and_villages()), [(0, "文件", "请分批导入")])


def test_an_empty_file_is_refused(tree):
    assert_rejected(workbook_file([]), [(0, "文件", "没有数据行")])


# --- permission ------------------------------------------------------------------------


@pytest.fixture
def hailing_admin(tree):
    """Someone who may add orgs in 海陵区 and below, and nowhere else."""
    role = Role.objects.create(code="county_admin", name="县级管理员", scope_kind="subtree")
    role.permissions.add(Permission.objects.get(content_type__app_label="orgs", codename="add_org"))
    user = User.objects.create_user(username="alice", password="x-Secret-123")
    Position.objects.create(user=user, org=tree.hailing, role=role)
    return user


def test_an_admin_imports_inside_her_scope(hailing_admin):
    created = import_orgs(workbook_file(town_and_villages()), actor=hailing_admin)

    assert len(created) == 3


def test_an_admin_cannot_import_under_another_county(tree, hailing_admin):
    rows = [
        ("刁铺街道妇联", "乡镇（街道）妇联", "321203000000", "321203001000", "", "", ""),
        ("刁铺街道某村妇联", "村（社区）妇联", "321203001000", "321203001001", "", "", ""),
    ]

    errors = assert_rejected(
        workbook_file(rows), [(2, COL_PARENT, "您无权在“高港区妇联”")], actor=hailing_admin
    )
    assert [e[0] for e in errors] == [2]  # the village hangs under the refused row
