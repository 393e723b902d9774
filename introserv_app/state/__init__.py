"""Thin Reflex State classes: read inputs, call one service, keep view data."""
