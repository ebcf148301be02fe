from django.db import migrations

CATEGORIES = [
    ("domestic_violence", "家庭暴力", True),
    ("marriage_family", "婚姻家庭纠纷", False),
    ("land_property", "土地承包及财产权益", False),
    ("labour", "劳动权益", False),
    ("personal", "人身权利", False),
    ("children", "儿童权益", False),
    ("other", "其他", False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for order, (code, name, hides) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "order": order * 10, "hides_names": hides}
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "Category").objects.filter(
        code__in=[code for code, _, _ in CATEGORIES], case__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
