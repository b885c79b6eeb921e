"""Views of results: figures and HTML reports (the only place plotting is imported)."""

from worldpool.report.forecast_plot import fan_chart_html, fan_chart_png

__all__ = ["fan_chart_html", "fan_chart_png"]
