"""The digital twin: simulate fulfilment policies on real demand."""

__all__: list[str] = []
