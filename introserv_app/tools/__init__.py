"""Tooling, not use cases: demo and volume data (`seed`), migrations under a lock (`migrations`), the CSV
export's worker process (`export_worker`). Tools may call the features; no feature imports a tool."""
