"""Demo data of the departure phase: funding."""


def load() -> str:
    return ""
