"""Tooling, not use cases: demo and volume data (`seed`), migrations under a lock (`migrations`), the BMC simulator
(`bmc_sim`), the second half of a large SQLite export (`export_half`). Tools may call the features; no feature
imports a tool."""
