"""Profit engine."""
