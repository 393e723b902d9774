"""`Row`: one row of a State's list of rows (a dict of strings formatted on the server), as a Var: what
`rx.foreach` hands to the function that draws it."""

from __future__ import annotations

from reflex.vars import ObjectVar

Row = ObjectVar[dict[str, str]]
