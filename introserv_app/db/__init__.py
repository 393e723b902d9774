"""Database tables and the engine/session factory."""
