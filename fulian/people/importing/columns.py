"""The columns of the people import file, and the limits every entry point shares."""

PERM = "people.add_person"
MAX_ROWS = 200_000
BATCH_SIZE = 2_000  # people per bulk INSERT round, and per progress report
LOOKUP_CHUNK = 1_000  # values per IN (...) query; SQLite limits bound parameters

COL_NAME = "姓名"
COL_GENDER = "性别"
COL_ID = "身份证号"
COL_PHONE = "联系电话"
COL_BIRTH = "出生日期"
COL_ORG = "所属组织代码"
COL_CATEGORY = "人员类别"
COL_TAGS = "标签"
COL_ETHNICITY = "民族"
COL_EDUCATION = "文化程度"
COL_ADDRESS = "住址"
COL_BASIS = "处理依据"
COL_CONSENT = "同意日期"
# The first eight follow the people list's Excel export (which shows the org's name
# where this template wants its code), so the two files read alike.
COLUMNS = [
    COL_NAME,
    COL_GENDER,
    COL_ID,
    COL_PHONE,
    COL_BIRTH,
    COL_ORG,
    COL_CATEGORY,
    COL_TAGS,
    COL_ETHNICITY,
    COL_EDUCATION,
    COL_ADDRESS,
    COL_BASIS,
    COL_CONSENT,
]
REQUIRED = [COL_NAME, COL_ID, COL_ORG]
TEXT_COLUMNS = {COL_ID, COL_PHONE, COL_ORG}  # long digit strings Excel would mangle
HEADER_ALIASES = {
    "公民身份号码": COL_ID,
    "身份证号码": COL_ID,
    "电话": COL_PHONE,
    "手机": COL_PHONE,
    "手机号": COL_PHONE,
    "手机号码": COL_PHONE,
    "组织代码": COL_ORG,
    "所属组织": COL_ORG,
    "类别": COL_CATEGORY,
    "学历": COL_EDUCATION,
    "地址": COL_ADDRESS,
    "家庭住址": COL_ADDRESS,
}
# Which column a field of clean_person_data's ValidationError belongs to.
FIELD_COLUMNS = {
    "name": COL_NAME,
    "org": COL_ORG,
    "gender": COL_GENDER,
    "id_number": COL_ID,
    "phone": COL_PHONE,
    "birth_date": COL_BIRTH,
    "category": COL_CATEGORY,
    "ethnicity": COL_ETHNICITY,
    "education": COL_EDUCATION,
    "address": COL_ADDRESS,
    "legal_basis": COL_BASIS,
    "consent_date": COL_CONSENT,
}
# Person's CharField lengths: clean_person_data does not check them.
MAX_LENGTHS = {COL_NAME: 50, COL_ETHNICITY: 20, COL_ADDRESS: 200}
SHEET_DATA = "人员"
SHEET_HELP = "说明"
FILE = "文件"
