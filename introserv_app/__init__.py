"""INTROSERV customer billing panel."""
