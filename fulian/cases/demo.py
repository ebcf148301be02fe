"""Demo cases: filled in below."""


def load_cases(orgs) -> None:
    return None
