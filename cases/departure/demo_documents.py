"""Demo data of the departure phase: documents."""


def load() -> str:
    return ""
