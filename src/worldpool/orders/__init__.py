"""Orders: channel adapters, idempotent intake, routing from the pool."""

__all__: list[str] = []
