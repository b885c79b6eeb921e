"""Logistics execution: rate cards, quotes, packing, SSCC labels, tracking, ETA."""
