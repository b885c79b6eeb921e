"""The demo world: a fresh SQLite pool built from real Online Retail II demand."""

from worldpool.demo.build import DemoParams, DemoSummary, build_demo

__all__ = ["DemoParams", "DemoSummary", "build_demo"]
