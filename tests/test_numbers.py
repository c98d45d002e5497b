"""Numbers typed by people (linli.numbers)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.numbers import ascii_digits, whole_number, yuan_to_fen

WIDE = str.maketrans("0123456789.", "０１２３４５６７８９．")


@given(st.integers(min_value=0, max_value=99_999_99))
def test_any_amount_written_in_yuan_reads_back_as_its_fen_also_in_full_width(fen):
    text = f"{fen // 100}.{fen % 100:02d}"
    assert yuan_to_fen(text) == fen
    assert yuan_to_fen(text.translate(WIDE)) == fen
    assert yuan_to_fen(f"¥{text}元") == fen


@pytest.mark.parametrize("text", ["²", "①", "1e3", "-5", "+5", "1_000", "5 5", "\u202e5", "NaN", "٣", "", "¥", "65.999",
                                  "12345678"])
def test_what_is_not_an_amount_is_refused(text):
    assert yuan_to_fen(text) is None


@pytest.mark.parametrize("text,number", [("12", 12), (" １２ ", 12), ("0", 0), ("", 7), ("²", None), ("1_000", None),
                                         ("-1", None), ("1e3", None), ("9" * 13, None)])
def test_whole_numbers(text, number):
    assert whole_number(text, default=7) == number
    if number is not None and text.strip():
        assert ascii_digits(text) == str(number)
