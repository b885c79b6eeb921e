"""Customs: HS suggestion, documents, destination rules, landed cost (pure core + service)."""

__all__: list[str] = []
