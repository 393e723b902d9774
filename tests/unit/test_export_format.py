"""CSV cell formatting of the order export (no database)."""

from __future__ import annotations

from introserv_app.domain.csvcells import neutralize_formulas
from introserv_app.services.orders._readers.export import crlf_lines


def test_only_cells_a_spreadsheet_would_evaluate_are_prefixed() -> None:
    cells = ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", "", None, "5-3", "x\n=y"]
    assert neutralize_formulas(cells) == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b", "", "", "5-3", "x\n=y"
    ]  # fmt: skip
    assert neutralize_formulas(["safe", "also safe"]) == ["safe", "also safe"]


def test_copy_line_ends_become_crlf_outside_quoted_cells_only() -> None:
    data = b'1,plain\n2,"a ""q""\nb"\n3,"x,y"\n'
    assert crlf_lines(data, False) == (3, '1,plain\r\n2,"a ""q""\nb"\r\n3,"x,y"\r\n', False)
    assert crlf_lines(b"1,a\n2,b\n", False) == (2, "1,a\r\n2,b\r\n", False)
    # a block that ends (or starts) inside a quoted cell carries that over
    first, second = b'1,"multi\n', b'line"\n2,z\n'
    rows, text, quoted = crlf_lines(first, False)
    assert (rows, text, quoted) == (0, '1,"multi\n', True)
    assert crlf_lines(second, quoted) == (2, 'line"\r\n2,z\r\n', False)
    assert crlf_lines('é,"ü\n"\n'.encode(), False) == (1, 'é,"ü\n"\r\n', False)
