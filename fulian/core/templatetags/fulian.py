from django import template

from fulian.core.masking import mask as mask_value

register = template.Library()


@register.filter
def mask(value, kind: str) -> str:
    """{{ person.id_number|mask:"id_number" }} — the platform's one masking rule."""
    return mask_value(kind, value) if value else "—"
