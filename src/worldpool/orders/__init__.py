"""Orders: channel adapters, idempotent intake, routing from the pool (pure core + service)."""

__all__: list[str] = []
