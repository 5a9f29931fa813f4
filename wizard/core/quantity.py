"""Kubernetes resource quantities (`10Gi`, `500M`, `1.5Ti`): parsing and the operator-facing size check.

The grammar is the one the API server accepts: a decimal number, then a binary suffix (Ki..Ei), a decimal suffix
(n, u, m, k, M, G, T, P, E) or a decimal exponent (e3, E-2). Sizes of volumes must also come to a whole, positive
number of bytes, which catches the classic `10m` (0.01 bytes) typed for `10Mi`, and at least a mebibyte, which catches
`10` (ten bytes) typed for `10Gi`: no volume of the charts can hold anything in less.
"""

from __future__ import annotations

import re
from fractions import Fraction

_SUFFIXES: dict[str, Fraction] = {
    "": Fraction(1),
    "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30),
    "Ti": Fraction(2**40), "Pi": Fraction(2**50), "Ei": Fraction(2**60),
    "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 10**3),
    "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9),
    "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18),
}
MIN_SIZE = 2**20
"""The smallest volume size taken (1Mi)."""
_QUANTITY = re.compile(
    r"^(?P<sign>[+-]?)(?P<number>\d+(?:\.\d*)?|\.\d+)"
    r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE](?P<exponent>[+-]?\d+))?$"
)
# What people type for a binary suffix: 10GB, 10gb, 10g, 10GiB, 10 Gi.
_LOOSE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[kKmMgGtTpPeE])(?:i?[bB]?|I[bB]?)?\s*$")


def parse_quantity(text: str) -> Fraction:
    """The exact value of a Kubernetes quantity.

    Raises:
        ValueError: when `text` is not a quantity the API server would accept.
    """
    match = _QUANTITY.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a Kubernetes quantity")
    value = Fraction(match["number"])
    if match["exponent"] is not None:
        value *= Fraction(10) ** int(match["exponent"])
    else:
        value *= _SUFFIXES[match["suffix"] or ""]
    return -value if match["sign"] == "-" else value


def _suggestion(text: str) -> str | None:
    """The quantity an operator most likely meant by `10GB`, `10g` or `10 GiB`: binary units, as volumes use."""
    loose = _LOOSE.match(text)
    return f"{loose['number']}{loose['unit'].upper()}i" if loose else None


def size_problem(text: str) -> str | None:
    """Why `text` cannot be a volume size, in words an operator can act on; None when it is fine."""
    try:
        value = parse_quantity(text)
    except ValueError:
        meant = _suggestion(text)
        if meant:
            return f'"{text}" is not a Kubernetes quantity; did you mean {meant}?'
        return f'"{text}" is not a Kubernetes quantity: write a number and a suffix such as 10Gi, 500Mi or 1Ti'
    if value <= 0:
        return f'"{text}" is not a usable size: it must be greater than zero'
    if value.denominator != 1:
        hint = f" (m means milli); did you mean {text[:-1]}Mi?" if text.endswith("m") else ""
        return f'"{text}" is {float(value):g} bytes, not a whole number of bytes{hint}'
    if value < MIN_SIZE:
        unit = "byte" if value == 1 else "bytes"
        meant = f"; did you mean {text}Gi?" if text.isdigit() else ""
        return f'"{text}" is {value} {unit}, too small for any volume (at least 1Mi){meant}'
    return None
