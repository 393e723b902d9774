"""Tooling, not use cases: demo and volume data (`seed`), migrations under a lock (`migrations`), the BMC simulator
(`bmc_sim`). Tools may call the features; no feature imports a tool."""
