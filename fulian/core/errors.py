"""Errors that services raise and every entry point turns into a clear message."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "RowErrors", "ValidationError"]


class RowErrors(ValidationError):
    """Per-row problems of an import: [(row number, column, message)]; nothing was written."""

    def __init__(self, rows: list[tuple[int, str, str]]):
        self.rows = rows
        super().__init__([f"第{r}行 {c}：{m}" for r, c, m in rows])


def error_text(exc) -> str:
    """One line of Chinese for a ValidationError or PermissionDenied, for a message."""
    return "；".join(getattr(exc, "messages", None) or [str(exc)])
