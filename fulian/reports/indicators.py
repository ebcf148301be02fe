"""Indicators: formulas over data elements, computed at any level of the tree.

A formula names elements as ``#{code}`` (the element's total) or ``#{code.option}``
(one disaggregation option), combined with numbers, + - * / and brackets, e.g.
numerator ``#{vc_members_women}`` over denominator ``#{vc_members}``, factor 100.
Formulas are parsed with ``ast`` and only those nodes are allowed: no names, calls or
attributes reach Python.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fulian.orgs.models import Org

from . import rollup
from .models import DataElement, DisaggregationOption, Indicator
from .periods import Period, PeriodType

_OPERAND = re.compile(r"#\{([A-Za-z0-9_\-]+)(?:\.([A-Za-z0-9_\-]+))?\}")
_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
    ast.Constant,
    ast.Name,
    ast.Load,
)


def operands(formula: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in _OPERAND.finditer(formula or "")]


def _compile(formula: str) -> tuple[ast.Expression, dict[str, tuple[str, str | None]]]:
    names: dict[str, tuple[str, str | None]] = {}

    def name_for(match: re.Match) -> str:
        key = (match.group(1), match.group(2))
        for name, known in names.items():
            if known == key:
                return name
        name = f"v{len(names)}"
        names[name] = key
        return name

    text = _OPERAND.sub(name_for, formula or "")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ValidationError(_("公式“%(f)s”写法有误") % {"f": formula}) from error
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ValidationError(_("公式“%(f)s”含有不允许的内容") % {"f": formula})
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise ValidationError(_("公式“%(f)s”含有不允许的内容") % {"f": formula})
        if isinstance(node, ast.Name) and node.id not in names:
            raise ValidationError(_("公式中的数据项须写成 #{代码}：%(f)s") % {"f": formula})
    return tree, names


def validate_formula(formula: str) -> None:
    """Refuse a formula that does not parse or names an unknown element or option."""
    _tree, names = _compile(formula)
    codes = {code for code, _option in names.values()}
    known = set(DataElement.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = sorted(codes - known)
    if unknown:
        raise ValidationError(
            _("公式引用了不存在的数据项：%(codes)s") % {"codes": "、".join(unknown)}
        )
    for code, option in names.values():
        if (
            option
            and not DisaggregationOption.objects.filter(
                code=option, disaggregation__dataelement__code=code
            ).exists()
        ):
            raise ValidationError(
                _("数据项 %(code)s 没有分类选项 %(option)s") % {"code": code, "option": option}
            )


def _evaluate(node, values: dict[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    left, right = _evaluate(node.left, values), _evaluate(node.right, values)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    numerator: Decimal | None
    denominator: Decimal | None

    @property
    def value(self) -> Decimal | None:
        if self.numerator is None or not self.denominator:
            return None
        try:
            result = self.numerator / self.denominator * self.indicator.factor
        except (DivisionByZero, InvalidOperation):
            return None
        return result.quantize(Decimal("0.01"))

    @property
    def meets_target(self) -> bool | None:
        if self.value is None or self.indicator.target is None:
            return None
        return self.value >= self.indicator.target


def _side(formula: str, org: Org, period: Period, period_type_of) -> Decimal | None:
    tree, names = _compile(formula)
    if not names:
        return _evaluate(tree, {})
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={c for c, _ in names.values()})
    }
    values = {}
    for name, (code, option_code) in names.items():
        element = elements.get(code)
        if element is None:
            return None
        option_key = None
        if option_code:
            option = DisaggregationOption.objects.filter(
                code=option_code, disaggregation_id=element.disaggregation_id
            ).first()
            if option is None:
                return None
            option_key = option.pk
        figure = rollup.total(
            element, org, period, period_type=period_type_of(element), option_key=option_key
        )
        if figure.value is None:
            return None
        values[name] = figure.value
    try:
        return _evaluate(tree, values)
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None


def element_period_type(element: DataElement) -> str:
    """The period type an element is collected in: that of the first data set holding it."""
    row = element.datasetelement_set.select_related("data_set").order_by("data_set_id").first()
    return row.data_set.period_type if row else PeriodType.YEARLY


def evaluate(indicator: Indicator, org: Org, period: Period) -> IndicatorValue:
    """Numerator and denominator over the org's subtree, then the value."""
    return IndicatorValue(
        indicator,
        _side(indicator.numerator, org, period, element_period_type),
        _side(indicator.denominator, org, period, element_period_type),
    )
