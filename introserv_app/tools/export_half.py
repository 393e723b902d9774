"""The second half of a large SQLite export, in a process of its own (`services/orders/_readers/export_sqlite.py`):
`python -m introserv_app.tools.export_half`, the request as JSON on stdin (viewer, grid query, the middle row), the
database URL in INTROSERV_EXPORT_DB_URL (never on the command line). Writes the CSV of every row after the middle row
to the request's file and prints the (rows, characters) of each chunk and its own peak memory as JSON."""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import parse_qsl


def main() -> int:
    from introserv_app.db.session import create_db_engine, session_scope
    from introserv_app.domain.grid import parse_grid_query
    from introserv_app.domain.roles import Role
    from introserv_app.services.common.viewer import Viewer
    from introserv_app.services.orders import export_second_half

    request = json.loads(sys.stdin.read())
    viewer = Viewer(
        user_id=int(request["user_id"]),
        username=str(request["username"]),
        role=Role(request["role"]),
        session_id=0,
        language="en",
    )
    query = parse_grid_query(dict(parse_qsl(request["query"], keep_blank_values=True)))[0]
    engine = create_db_engine(os.environ["INTROSERV_EXPORT_DB_URL"])
    with session_scope(engine) as session, open(request["out"], "w", encoding="utf-8", newline="") as out:
        # read through SQLite's own small cache, not by mapping the file: the parent maps the same pages already,
        # and a second mapping would only count them twice in this machine's resident memory
        session.connection().exec_driver_sql("PRAGMA mmap_size=0")
        chunks = export_second_half(session=session, viewer=viewer, query=query, request=request, out=out)
    with open("/proc/self/status", encoding="ascii") as fh:
        peak_kb = int(next((line.split()[1] for line in fh if line.startswith("VmHWM:")), "0"))
    print(json.dumps({"chunks": chunks, "peak_kb": peak_kb}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
