"""The seller's cockpit: server-rendered pages (Jinja2 + htmx) under ``/ui``.

Served by ``worldpool serve`` next to the API (:func:`mount_cockpit` is called
by ``create_app``). Every page builds its context per request from the
logged-in user and calls services through :mod:`._services` only. Static
files (htmx and uPlot, vendored and pinned) are shipped inside the package.
"""

from worldpool.interfaces.web.app import mount_cockpit

__all__ = ["mount_cockpit"]
