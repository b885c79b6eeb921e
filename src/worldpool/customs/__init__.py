"""Customs: HS suggestion, documents, destination rules, landed cost."""

__all__: list[str] = []
