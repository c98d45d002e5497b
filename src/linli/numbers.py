"""Numbers typed by people: full-width digits from a Chinese keyboard ("６５") are read as
digits; other characters Python would call digits ("²", "①") are not numbers here.
One place for it, so every form and endpoint refuses the same things the same way."""
from __future__ import annotations

# Full-width digits, point, comma and yuan sign (what a Chinese keyboard types) -> ASCII.
# Not NFKC: that would also read "²" as 2 and "①" as 1.
_FULL_WIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0E: ".", 0xFF0C: ",", 0xFFE5: "¥", 0x3000: " "}


def _fold(text) -> str:
    return str(text or "").translate(_FULL_WIDTH).strip()


def ascii_digits(text) -> str | None:
    """The text as ASCII digits after folding full-width ones, or None if it is not
    a whole number written in digits (signs, spaces inside, exponents, "²" are not)."""
    s = _fold(text)
    return s if s and s.isascii() and s.isdigit() else None


def yuan_to_fen(text, *, max_digits: int = 7) -> int | None:
    """'65' / '65.5' / '¥65.50' / '６５元' -> fen (an int), or None when it is not an amount
    in yuan with at most two decimals and ``max_digits`` whole digits."""
    s = _fold(text).replace(",", "").replace("¥", "").replace("元", "").strip()
    whole, _dot, frac = s.partition(".")
    if ascii_digits(whole) != whole or len(whole) > max_digits:
        return None
    if frac and (ascii_digits(frac) != frac or len(frac) > 2):
        return None
    return int(whole) * 100 + int((frac + "00")[:2])


def whole_number(text, *, default: int | None = None) -> int | None:
    """A non-negative whole number typed in a form ("12", "１２"), ``default`` for an
    empty field, None for anything else ("1_000", "-5", "1e3", "²" are not numbers here,
    though Python's int() takes some of them)."""
    if str(text or "").strip() == "":
        return default
    digits = ascii_digits(text)
    return int(digits) if digits is not None and len(digits) <= 12 else None
