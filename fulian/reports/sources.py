"""One figure, one source (一数一源): modules register functions that compute a figure.

A derived data element names a source by its code; the reports app fills such values
from the function and never lets anyone type them. The reports app imports no module:
modules call ``register_source`` from their ``AppConfig.ready``.

A source function is called as ``fn(org=<Org>, start=<date>, end=<date>)`` and returns
the figure (int or Decimal) for the org's whole subtree over the closed date range
[start, end]. It must count through the module's own records only (no scope: the
reports app decides who may see the figure).

A source may take a parameter (``parameter_label`` set): an element then names it as
``code:parameter`` (e.g. ``people.tagged:贫困母亲``) and the function also gets
``parameter=``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

SourceFunction = Callable[..., int | Decimal]


@dataclass(frozen=True)
class Source:
    code: str  # stable, e.g. "cases.received"
    label: str  # shown to users (gettext_lazy)
    function: SourceFunction
    module: str  # app label, for grouping in the definitions page
    parameter_label: str = ""  # e.g. "标签": the element supplies the parameter


_sources: dict[str, Source] = {}


def register_source(
    code: str, label, function: SourceFunction, *, module: str, parameter_label: str = ""
) -> None:
    _sources[code] = Source(
        code=code, label=label, function=function, module=module, parameter_label=parameter_label
    )


def split(reference: str) -> tuple[str, str]:
    code, _sep, parameter = (reference or "").partition(":")
    return code, parameter


def get_source(reference: str) -> Source:
    code, parameter = split(reference)
    try:
        source = _sources[code]
    except KeyError as missing:
        raise LookupError(f"no registered figure source {code!r}") from missing
    if bool(parameter) != bool(source.parameter_label):
        raise LookupError(f"figure source {code!r}: parameter mismatch in {reference!r}")
    return source


def all_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.code)


def compute(reference: str, *, org, start: date, end: date) -> int | Decimal:
    source = get_source(reference)
    _code, parameter = split(reference)
    if parameter:
        return source.function(org=org, start=start, end=end, parameter=parameter)
    return source.function(org=org, start=start, end=end)
