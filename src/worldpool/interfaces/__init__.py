"""Interfaces: thin layers that parse input, call the ledger/services and render."""

__all__: list[str] = []
