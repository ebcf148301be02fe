"""The person's page is built from sections that modules register.

A module (cases, trainings, loans, pairings, volunteer hours, awards …) adds its
section in its AppConfig.ready; the people app never imports it:

    from fulian.people.sections import PersonSection, register
    register(PersonSection(key="cases", title=_("维权案件"), order=20,
                           template="cases/_person_section.html",
                           perm="cases.view_case", context=cases_for_person))

``context(person, viewer)`` returns the template context, or None to hide the section
(e.g. nothing recorded, or nothing in the viewer's scope). It must read through the
viewer's data scope like any selector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonSection:
    key: str
    title: Any
    template: str
    context: Callable[[Any, Any], dict | None]
    perm: str | None = None
    order: int = 50


_sections: dict[str, PersonSection] = {}


def register(section: PersonSection) -> None:
    _sections[section.key] = section


def registered() -> list[PersonSection]:
    return sorted(_sections.values(), key=lambda s: s.order)


def sections_for(person, viewer) -> list[dict]:
    """The sections this viewer may see for this person, with their rendered context."""
    shown = []
    for section in registered():
        if section.perm and not viewer.has_perm(section.perm):
            continue
        context = section.context(person, viewer)
        if context is None:
            continue
        shown.append(
            {
                "key": section.key,
                "title": section.title,
                "template": section.template,
                "context": context,
            }
        )
    return shown
