"""Views of results: figures and HTML reports (the only place plotting is imported)."""

__all__: list[str] = []
