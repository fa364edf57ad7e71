"""The 18-character unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

#: The 31 characters a code may use (no I, O, Z, S, V), each worth its index.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1–17: 3^(i-1) mod 31.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character that makes the first 17 a valid code."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Upper-case and strip spaces and full-width forms people paste from documents."""
    table = {ord(c): ord(c) - 0xFEE0 for c in map(chr, range(0xFF01, 0xFF5F))}
    return "".join(code.translate(table).split()).upper()


def is_valid(code: str) -> bool:
    """True when the code has 18 allowed characters and the right check character."""
    code = normalize(code)
    if len(code) != 18 or any(c not in CHARSET for c in code):
        return False
    # Positions 1–2 (registering department, kind) never use letters beyond these.
    if not code[0].isdigit() and code[0] not in "ABCDEFGHJKLMNPQRTUWXY":
        return False
    return check_character(code[:17]) == code[17]
