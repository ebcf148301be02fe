"""The import pages: template download, dry run with per-row errors, confirm once."""

import io

import openpyxl
import pytest

from fulian.orgs.importing import COLUMNS
from fulian.orgs.models import Org

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    workbook.active.append(list(COLUMNS))
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "orgs.xlsx"
    return buffer


GOOD = [("九龙镇新村妇联", "村（社区）妇联", "321202100000", "321202100901", "", "220", "是")]
BAD = [*GOOD, ("错码村妇联", "村（社区）妇联", "321202100000", "321202109902", "", "", "")]


def test_template_downloads_as_xlsx(client_for):
    response = client_for("county_cadre").get("/orgs/import/template/")
    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == "组织"


def test_dry_run_lists_row_errors_and_writes_nothing(client_for):
    before = Org.objects.count()
    response = client_for("county_cadre").post("/orgs/import/", {"file": _xlsx(BAD)})
    body = response.content.decode()
    assert "未导入任何数据" in body and "前 9 位" in body
    assert Org.objects.count() == before


def test_confirmed_import_writes_all_rows_once(client_for):
    client = client_for("county_cadre")
    response = client.post("/orgs/import/", {"file": _xlsx(GOOD)})
    assert "检查通过" in response.content.decode()
    assert not Org.objects.filter(code="321202100901").exists()  # a dry run writes nothing
    client.post("/orgs/import/confirm/")
    assert Org.objects.filter(code="321202100901").count() == 1
    again = client.post("/orgs/import/confirm/", follow=True)  # the form posted twice
    assert "已失效" in again.content.decode()
    assert Org.objects.filter(code="321202100901").count() == 1


def test_a_file_outside_her_scope_is_refused_row_by_row(client_for):
    rows = [("外县村妇联", "村（社区）妇联", "321281100000", "321281100901", "", "", "")]
    response = client_for("county_cadre").post("/orgs/import/", {"file": _xlsx(rows)})
    assert "未导入任何数据" in response.content.decode()
    assert not Org.objects.filter(code="321281100901").exists()


def test_village_chair_cannot_import(client_for):
    assert client_for("village_chair").get("/orgs/import/").status_code == 403
