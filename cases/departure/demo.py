"""The departure phase's demo data, in the order they build on each other: travel
documents, funding and the waiting list, then movements."""

from cases.departure import demo_documents, demo_funding, demo_movements


def demo_departure_load() -> str:
    return " ".join(
        summary
        for summary in (demo_documents.load(), demo_funding.load(), demo_movements.load())
        if summary
    )
