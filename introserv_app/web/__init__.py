"""Plain HTTP routes mounted next to the Reflex app (cookies, downloads, health)."""
