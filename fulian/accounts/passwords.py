import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """等保 level 3: the password mixes at least ``classes`` of the four character classes."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def _count(self, password: str) -> int:
        groups = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        return sum(groups)

    def validate(self, password, user=None):
        if self._count(password) < self.classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)s类") % {"n": self.classes},
                code="password_classes",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)s类") % {"n": self.classes}
