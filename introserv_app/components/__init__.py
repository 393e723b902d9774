"""Reusable UI pieces (no SQL, no business rules)."""
