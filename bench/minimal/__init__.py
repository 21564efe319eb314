"""Bench-only Django wiring: the product's settings and URLs plus one minimal view (bench/intake.py)."""
