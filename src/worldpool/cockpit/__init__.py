"""The seller's cockpit: read models and uploads behind the web pages."""

from worldpool.cockpit.service import (
    InventoryQuery,
    OrderQuery,
    Page,
    PageQuery,
    compare_plan,
    inventory_page,
    journal,
    list_plans,
    order_page,
    overview,
    reject_plan,
)
from worldpool.cockpit.views import FileReport, MarketAtp, NodeValue, Overview, PlanDiff

__all__ = [
    "FileReport",
    "InventoryQuery",
    "MarketAtp",
    "NodeValue",
    "OrderQuery",
    "Overview",
    "Page",
    "PageQuery",
    "PlanDiff",
    "compare_plan",
    "inventory_page",
    "journal",
    "list_plans",
    "order_page",
    "overview",
    "reject_plan",
]
