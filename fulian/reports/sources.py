"""One figure, one source (一数一源): modules register functions that compute a figure.

A derived data element names a source by its code; the reports app fills such values
from the function and never lets anyone type them. The reports app imports no module:
modules call ``register_source`` from their ``AppConfig.ready``.

A source function is called as ``fn(org=<Org>, start=<date>, end=<date>)`` and returns
the figure (int or Decimal) for the org's whole subtree over the closed date range
[start, end]. It must count through the module's own records only (no scope: the
reports app decides who may see the figure).
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


_sources: dict[str, Source] = {}


def register_source(code: str, label, function: SourceFunction, *, module: str) -> None:
    _sources[code] = Source(code=code, label=label, function=function, module=module)


def get_source(code: str) -> Source:
    try:
        return _sources[code]
    except KeyError as missing:
        raise LookupError(f"no registered figure source {code!r}") from missing


def all_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.code)


def compute(code: str, *, org, start: date, end: date) -> int | Decimal:
    return get_source(code).function(org=org, start=start, end=end)
