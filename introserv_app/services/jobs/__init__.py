"""Background jobs: they call the features, they are not one of them. `lifecycle` is the order lifecycle
run (reminders, automatic renewal, suspension, cancellation, low-balance warnings)."""
