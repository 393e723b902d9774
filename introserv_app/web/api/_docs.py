"""/api/v1/docs: the API's reference as one plain HTML page built from its OpenAPI schema (no script, nothing
loaded from elsewhere)."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi.responses import HTMLResponse

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
.op{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .9rem;margin:.7rem 0}
.m{display:inline-block;min-width:4.2em;font-weight:600;font-family:monospace}
code,pre{background:#f6f8fa;border-radius:4px;padding:.1em .3em}pre{padding:.8em;overflow:auto}
table{border-collapse:collapse;font-size:.92em}td,th{border:1px solid #d0d7de;padding:.2em .5em;text-align:left}
"""


def _params(operation: dict[str, Any]) -> str:
    rows = []
    for p in operation.get("parameters", []):
        kind = p.get("schema", {}).get("type") or "/".join(
            str(a.get("type", "")) for a in p.get("schema", {}).get("anyOf", []) if a.get("type") != "null"
        )
        rows.append(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td><td>{escape(kind)}</td>"
            f"<td>{'yes' if p.get('required') else ''}</td><td>{escape(p.get('description', ''))}</td></tr>"
        )
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in body:
        name = body["$ref"].rsplit("/", 1)[-1]
        rows.append(f"<tr><td>body</td><td>JSON</td><td><code>{escape(name)}</code></td><td>yes</td><td></td></tr>")
    if not rows:
        return ""
    head = "<tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Notes</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def docs_page(schema: dict[str, Any]) -> HTMLResponse:
    sections: dict[str, list[str]] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            tag = (op.get("tags") or ["other"])[0]
            sections.setdefault(tag, []).append(
                f'<div class="op" id="{escape(op.get("operationId", ""))}"><span class="m">{method.upper()}</span>'
                f"<code>/api/v1{escape(path)}</code> — {escape(op.get('summary', ''))}"
                f"<p>{escape(op.get('description', ''))}</p>{_params(op)}</div>"
            )
    models = "".join(
        f"<h3 id='model-{escape(name)}'>{escape(name)}</h3><pre>"
        + escape(
            ", ".join(f"{k}: {v.get('type', v.get('$ref', 'object'))}" for k, v in m.get("properties", {}).items())
        )
        + "</pre>"
        for name, m in sorted(schema.get("components", {}).get("schemas", {}).items())
    )
    info = schema.get("info", {})
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>API · INTROSERV</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(info.get('title', ''))} {escape(info.get('version', ''))}"
        f"</h1><p>{escape(info.get('description', ''))}</p>"
        "<p>Create a key in <a href='/settings'>Settings → API keys</a>, then for example:</p>"
        "<pre>curl -H 'Authorization: Bearer isk_…' '/api/v1/orders?status=processed&amp;sort=paid_until'</pre>"
        "<p>The machine-readable schema: <a href='/api/v1/openapi.json'>/api/v1/openapi.json</a>.</p>"
        + "".join(f"<h2>{escape(tag)}</h2>{''.join(ops)}" for tag, ops in sections.items())
        + f"<h2>Documents</h2>{models}</body></html>"
    )
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )
