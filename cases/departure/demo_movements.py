"""Demo data of the departure phase: movements."""


def load() -> str:
    return ""
