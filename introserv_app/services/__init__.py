"""Use cases. One keyword-only function per action; each takes a DB session and checks the actor."""
