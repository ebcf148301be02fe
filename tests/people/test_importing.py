"""Excel import of people: the template, per-row errors with the registry's rules, all or none.

ID numbers here are born on the 29th–31st: the demo people are all born on days 1–28,
so none of these numbers is registered already.
"""

from __future__ import annotations

import datetime
import io
import json
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection

from fulian.core.errors import RowErrors
from fulian.core.models import AuditEvent
from fulian.people import importing, services
from fulian.people.demo import make_id_number
from fulian.people.importing import (
    COLUMNS,
    build_template,
    checking,
    import_people,
    parse_workbook,
    xlsx,
)
from fulian.people.models import Person, PersonTag, Tag

pytestmark = pytest.mark.django_db

BORN = datetime.date(1970, 1, 29)


def id_number(sequence: int, *, region: str = "321202", born: datetime.date = BORN) -> str:
    return make_id_number(region, born, sequence, female=True)


def person_row(org, sequence: int, **fields) -> dict:
    return {
        "姓名": f"王秀{sequence}",
        "身份证号": id_number(sequence),
        "联系电话": f"1381234{sequence:04d}",
        "所属组织代码": org.code,
        **fields,
    }


def workbook(rows: list[dict], header=COLUMNS) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(label) for label in header])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "people.xlsx"
    return buffer


def errors_of(rows, actor) -> list[tuple[int, str, str]]:
    return parse_workbook(workbook(rows), actor=actor).errors


# --- the template ----------------------------------------------------------------------


def test_the_template_has_every_column_and_explains_the_allowed_values():
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    assert book.sheetnames == ["人员", "说明"]
    header = [cell.value for cell in book["人员"][1]]
    assert header == COLUMNS
    for name in ["姓名", "身份证号", "性别", "出生日期", "联系电话", "所属组织代码", "人员类别"]:
        assert name in header
    for name in ["民族", "文化程度", "住址", "标签", "处理依据", "同意日期"]:
        assert name in header
    help_text = " ".join(
        str(cell) for row in book["说明"].iter_rows(values_only=True) for cell in row if cell
    )
    for allowed in ["女", "妇女", "爱心人士/资助人", "高中/中专", "履行法定职责", "困难妇女"]:
        assert allowed in help_text
    for index, label in enumerate(COLUMNS, start=1):
        if label in {"身份证号", "联系电话", "所属组织代码"}:
            letter = openpyxl.utils.get_column_letter(index)
            assert book["人员"].column_dimensions[letter].number_format == "@"


def test_the_template_lists_only_active_tags():
    Tag.objects.create(name="已停用的标签", is_active=False)
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    help_text = " ".join(
        str(cell) for row in book["说明"].iter_rows(values_only=True) for cell in row if cell
    )
    assert "已停用的标签" not in help_text


# --- a good file -----------------------------------------------------------------------


def test_a_valid_file_imports_every_row_encrypted_and_tagged(user_named, my_village):
    chair = user_named("village_chair")
    rows = [
        person_row(my_village, 1, 标签="困难妇女、单亲", 文化程度="初中", 住址="1组"),
        person_row(my_village, 2, 标签="留守妇女", 出生日期=BORN, 性别="女"),
    ]
    before = Person.objects.count()

    count = import_people(workbook(rows), actor=chair)

    assert count == 2 and Person.objects.count() == before + 2
    first = Person.objects.get(id_number_hash=services.id_number_hash(id_number(1)))
    assert (first.name, first.org, first.created_by) == ("王秀1", my_village, chair)
    assert first.id_number == id_number(1) and first.birth_date == BORN
    assert first.education == "junior" and first.gender == "female"
    assert {t.name for t in first.tags.all()} == {"困难妇女", "单亲"}
    assert PersonTag.objects.get(person=first, tag__name="单亲").added_by == chair
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [first.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert stored_id.startswith("fe1$") and id_number(1) not in stored_id
    assert stored_phone.startswith("fe1$") and "13812340001" not in stored_phone


def test_the_import_is_audited_with_masked_personal_data(user_named, my_village):
    rows = [person_row(my_village, 3, 标签="困难妇女"), person_row(my_village, 4)]
    import_people(workbook(rows), actor=user_named("village_chair"))
    people = Person.objects.filter(name__in=["王秀3", "王秀4"])
    events = AuditEvent.objects.filter(
        action="create", content_type__model="person", object_id__in=[str(p.pk) for p in people]
    )
    assert events.count() == 2
    trail = json.dumps([e.changes for e in events], ensure_ascii=False)
    assert id_number(3) not in trail and "13812340003" not in trail
    assert id_number(3)[:4] + "*" * 10 + id_number(3)[-4:] in trail
    summary = AuditEvent.objects.get(verb="people_import")
    assert summary.actor == user_named("village_chair")
    assert summary.detail == {"people": 2, "tags": {"困难妇女": 1}}
    links = AuditEvent.objects.get(verb="people_import_tags")
    assert links.detail["tags"]["困难妇女"] == [people.get(name="王秀3").pk]


def test_cell_values_are_read_as_excel_gives_them(user_named, my_village):
    """Numbers without ".0", date cells and date text, labels or stored values."""
    rows = [
        person_row(
            my_village,
            5,
            所属组织代码=int(my_village.code),
            联系电话=13812340005,
            出生日期=datetime.datetime(1970, 1, 29),
            人员类别="volunteer",
            处理依据="本人（监护人）同意",
            同意日期="2026/1/5",
        ),
        person_row(my_village, 6, 出生日期="1970-01-29", 文化程度="高中/中专"),
    ]
    assert import_people(workbook(rows), actor=user_named("village_chair")) == 2
    volunteer = Person.objects.get(name="王秀5")
    assert volunteer.category == "volunteer" and volunteer.phone == "13812340005"
    assert volunteer.legal_basis == "consent"
    assert volunteer.consent_date == datetime.date(2026, 1, 5)


# --- row errors ------------------------------------------------------------------------


def test_a_wrong_check_digit_names_the_column_but_never_the_number(user_named, my_village):
    good = id_number(7)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    errors = errors_of([person_row(my_village, 7, 身份证号=wrong)], user_named("village_chair"))
    assert [(row, column) for row, column, _ in errors] == [(2, "身份证号")]
    assert "校验位" in errors[0][2]
    assert all(wrong not in message and good not in message for _, _, message in errors)


def test_an_id_number_in_the_wrong_column_is_masked_in_the_message(user_named, my_village):
    number = id_number(42)
    rows = [person_row(my_village, 42, 性别=number, 标签=number)]
    errors = errors_of(rows, user_named("village_chair"))
    assert {column for _, column, _ in errors} == {"性别", "标签"}
    assert all(number not in message for _, _, message in errors)
    assert number[:4] + "*" * 10 + number[-4:] in errors[0][2]


def test_an_id_number_stored_as_a_number_says_to_use_text(user_named, my_village):
    rounded = float(id_number(8)[:15] + "000")  # what Excel keeps of an 18-digit number
    errors = errors_of([person_row(my_village, 8, 身份证号=rounded)], user_named("village_chair"))
    assert errors[0][1] == "身份证号" and "文本格式" in errors[0][2]


def test_a_row_needs_an_id_number(user_named, my_village):
    errors = errors_of([person_row(my_village, 9, 身份证号="")], user_named("village_chair"))
    assert errors == [(2, "身份证号", importing.checking._NEED_ID)]


def test_the_same_id_number_twice_in_the_file_is_reported_on_both_rows(user_named, my_village):
    rows = [person_row(my_village, 10), person_row(my_village, 11), person_row(my_village, 10)]
    errors = errors_of(rows, user_named("village_chair"))
    assert (2, "身份证号", "与第4行身份证号重复") in errors
    assert (4, "身份证号", "与第2行身份证号重复") in errors
    assert not [e for e in errors if e[0] == 3]


def test_someone_already_registered_in_her_scope_is_named(user_named, my_village):
    services.person_create(
        actor=None,
        data=services.PersonData(name="李桂兰", org=my_village, id_number=id_number(12)),
    )
    errors = errors_of([person_row(my_village, 12)], user_named("village_chair"))
    assert errors[0][:2] == (2, "身份证号")
    assert "李桂兰" in errors[0][2] and id_number(12) not in errors[0][2]


def test_someone_registered_outside_her_scope_is_not_named(user_named, my_village, other_village):
    number = id_number(13, region="321281")
    services.person_create(
        actor=None, data=services.PersonData(name="赵春梅", org=other_village, id_number=number)
    )
    errors = errors_of([person_row(my_village, 13, 身份证号=number)], user_named("village_chair"))
    message = errors[0][2]
    assert errors[0][:2] == (2, "身份证号")
    assert "赵春梅" not in message and other_village.name not in message
    assert "兴化市妇联" in message and number not in message


def test_an_org_outside_her_scope_or_unknown_is_refused(user_named, my_village, other_village):
    rows = [
        person_row(my_village, 14, 所属组织代码=other_village.code),
        person_row(my_village, 15, 所属组织代码="321202999999"),
    ]
    errors = errors_of(rows, user_named("village_chair"))
    assert errors[0][:2] == (2, "所属组织代码") and "无权" in errors[0][2]
    assert errors[1] == (3, "所属组织代码", "组织代码不存在：321202999999")


def test_the_system_may_import_anywhere(my_village, other_village):
    rows = [person_row(other_village, 16, 身份证号=id_number(16, region="321281"))]
    assert parse_workbook(workbook(rows), actor=None).ok


def test_tags_must_exist_and_be_active(user_named, my_village):
    Tag.objects.create(name="旧标签", is_active=False)
    rows = [
        person_row(my_village, 17, 标签="困难妇女，不存在的标签"),
        person_row(my_village, 18, 标签="旧标签"),
    ]
    errors = errors_of(rows, user_named("village_chair"))
    assert errors[0][:2] == (2, "标签") and "不存在的标签" in errors[0][2]
    assert errors[1] == (3, "标签", "标签“旧标签”已停用")


def test_a_child_under_14_cannot_be_imported(user_named, my_village):
    child = id_number(19, born=datetime.date(2018, 5, 29))
    errors = errors_of([person_row(my_village, 19, 身份证号=child)], user_named("village_chair"))
    assert errors == [(2, "出生日期", "未满14周岁的儿童请在系统中逐个登记并关联监护人")]


def test_fields_are_checked_with_the_registry_rules(user_named, my_village):
    rows = [
        person_row(my_village, 20, 出生日期="1971-01-29"),  # not the ID number's date
        person_row(my_village, 21, 处理依据="本人（监护人）同意"),  # without its date
        person_row(my_village, 22, 联系电话="12345"),
        person_row(my_village, 23, 性别="男"),
        person_row(my_village, 24, 文化程度="博士", 出生日期="1970-13-01"),
        person_row(my_village, 25, 姓名=""),
    ]
    found = {(row, column) for row, column, _ in errors_of(rows, user_named("village_chair"))}
    assert found == {
        (2, "出生日期"),
        (3, "同意日期"),
        (4, "联系电话"),
        (5, "性别"),
        (6, "文化程度"),
        (6, "出生日期"),
        (7, "姓名"),
    }


def test_one_bad_row_at_the_end_writes_nothing(user_named, my_village):
    rows = [person_row(my_village, n) for n in range(26, 30)]
    rows.append(person_row(my_village, 30, 所属组织代码="000"))
    before = Person.objects.count()
    with pytest.raises(RowErrors) as caught:
        import_people(workbook(rows), actor=user_named("village_chair"))
    assert caught.value.rows == [(6, "所属组织代码", "组织代码不存在：000")]
    assert Person.objects.count() == before


def test_someone_registered_between_check_and_write_rolls_everything_back(
    user_named, my_village, monkeypatch
):
    rows = [person_row(my_village, 31), person_row(my_village, 32)]
    original = importing.parse_workbook

    def parse_then_someone_registers(file_obj, *, actor):
        result = original(file_obj, actor=actor)
        services.person_create(
            actor=None,
            data=services.PersonData(name="抢先", org=my_village, id_number=id_number(32)),
        )
        return result

    monkeypatch.setattr(importing, "parse_workbook", parse_then_someone_registers)
    before = Person.objects.count()
    with pytest.raises(RowErrors) as caught:
        import_people(workbook(rows), actor=user_named("village_chair"))
    assert caught.value.rows == [
        (0, "身份证号", "导入期间有人员被其他用户登记，未导入任何数据，请重新上传")
    ]
    assert Person.objects.count() == before + 1  # only the one registered meanwhile
    assert not AuditEvent.objects.filter(verb="people_import").exists()


# --- the file --------------------------------------------------------------------------


def test_a_file_that_is_not_a_workbook_is_one_error(user_named):
    result = parse_workbook(io.BytesIO(b"name,id\n"), actor=user_named("village_chair"))
    assert result.errors == [(0, "文件", "无法读取文件，请使用系统提供的 Excel 模板（.xlsx）")]


def test_missing_headers_and_empty_files_are_named(user_named, my_village):
    chair = user_named("village_chair")
    result = parse_workbook(workbook([], header=["姓名", "备注"]), actor=chair)
    assert {column for _, column, _ in result.errors} == {"身份证号", "所属组织代码"}
    assert parse_workbook(workbook([]), actor=chair).errors == [(0, "文件", "文件中没有数据行")]


def test_more_rows_than_allowed_are_refused(user_named, my_village, monkeypatch):
    monkeypatch.setattr(checking, "MAX_ROWS", 2)
    rows = [person_row(my_village, n) for n in range(33, 36)]
    errors = errors_of(rows, user_named("village_chair"))
    assert len(errors) == 1 and errors[0][:2] == (0, "文件") and "分成几个文件" in errors[0][2]


def test_the_fast_reader_gives_what_openpyxl_gives():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(["text", 12, 3.5, True, datetime.datetime(1975, 3, 8), None, "末"])
    sheet.append([None, None, "only third"])
    sheet["B4"] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    expected = [
        list(row)
        for row in openpyxl.load_workbook(buffer, data_only=True).active.iter_rows(values_only=True)
    ]
    buffer.seek(0)
    read = dict(xlsx.iter_rows(buffer, prefer_sheet="人员"))
    for number, values in enumerate(expected, start=1):
        got = read.get(number, [])
        assert got + [None] * (len(values) - len(got)) == values


def test_a_file_as_excel_saves_it_shared_strings_and_date_cells(user_named, my_village, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.people_import import HEADER, write_xlsx

    row = person_row(my_village, 36, 出生日期=BORN)
    path = tmp_path / "excel.xlsx"
    write_xlsx(path, [HEADER, [row.get(label, "") for label in HEADER]])
    with path.open("rb") as data:
        assert import_people(data, actor=user_named("village_chair")) == 1
    assert Person.objects.get(name="王秀36").birth_date == BORN


# --- the command -----------------------------------------------------------------------


def test_the_command_reports_batches_and_the_total(my_village, tmp_path, capsys):
    path = tmp_path / "people.xlsx"
    path.write_bytes(workbook([person_row(my_village, 37)]).getvalue())
    call_command("import_people", str(path), "--as", "village_chair")
    out = capsys.readouterr().out
    assert "imported-batch 1 (1 rows)" in out and "imported 1 people" in out


def test_the_command_exits_1_listing_each_row_and_writes_nothing(my_village, tmp_path, monkeypatch):
    from django.core.management import ManagementUtility

    # run_from_argv closes the connections afterwards, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = tmp_path / "people.xlsx"
    path.write_bytes(workbook([person_row(my_village, 38, 所属组织代码="000")]).getvalue())
    before = Person.objects.count()
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_people", str(path)]).execute()
    assert exited.value.code == 1
    assert "row 2\t所属组织代码\t组织代码不存在：000" in err.getvalue()
    assert Person.objects.count() == before


# --- the pages -------------------------------------------------------------------------


def test_the_dry_run_page_lists_row_errors_and_writes_nothing(
    client_for, my_village, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    before = Person.objects.count()
    response = client_for("village_chair").post(
        "/people/import/", {"file": workbook([person_row(my_village, 39, 标签="没有这个")])}
    )
    body = response.content.decode()
    assert "未导入任何数据" in body and "没有这个" in body and "标签" in body
    assert Person.objects.count() == before
    assert not list((tmp_path / "imports").iterdir())  # a file with errors is not kept


def test_a_confirmed_import_writes_once_and_a_second_confirm_has_expired(
    client_for, my_village, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for("village_chair")
    rows = [person_row(my_village, 40), person_row(my_village, 41)]
    response = client.post("/people/import/", {"file": workbook(rows)})
    assert "检查通过：共 2 人" in response.content.decode()
    assert not Person.objects.filter(name__in=["王秀40", "王秀41"]).exists()
    done = client.post("/people/import/confirm/", follow=True)
    assert "已导入 2 人" in done.content.decode()
    assert Person.objects.filter(name__in=["王秀40", "王秀41"]).count() == 2
    again = client.post("/people/import/confirm/", follow=True)  # the form posted twice
    assert "已失效" in again.content.decode()
    assert Person.objects.filter(name__in=["王秀40", "王秀41"]).count() == 2
    assert not list((tmp_path / "imports").iterdir())  # the uploaded file is gone


def test_the_template_downloads_and_the_list_offers_the_import(client_for):
    client = client_for("village_chair")
    response = client.get("/people/import/template/")
    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == "人员"
    assert "/people/import/" in client.get("/people/").content.decode()


def test_only_users_who_may_register_can_import(client_for):
    client = client_for("city_auditor")
    assert client.get("/people/import/").status_code == 403
    assert client.get("/people/import/template/").status_code == 403
    assert client.post("/people/import/confirm/").status_code == 403
