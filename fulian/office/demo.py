"""Demo documents for the demo city (filled in below)."""


def load_documents(orgs) -> None:
    return None
