"""ISBN-10 / ISBN-13 check digits."""

from __future__ import annotations

import re


class IsbnError(ValueError):
    """Not a well-formed ISBN, or its check digit is wrong."""


def normalize_isbn(text: str) -> str:
    """Strip hyphens and spaces and verify the check digit; return the bare ISBN.

    >>> normalize_isbn("978-1-59017-366-4")
    '9781590173664'
    >>> normalize_isbn("1-85984-987-3")
    '1859849873'

    :raises IsbnError: if the length, characters or check digit are wrong.
    """
    bare = re.sub(r"[\s-]", "", text).upper()
    if re.fullmatch(r"\d{9}[\dX]", bare):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(bare))
        if total % 11:
            raise IsbnError(f"ISBN-10 '{text}' has a wrong check digit")
        return bare
    if re.fullmatch(r"97[89]\d{10}", bare):
        total = sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(bare))
        if total % 10:
            raise IsbnError(f"ISBN-13 '{text}' has a wrong check digit")
        return bare
    raise IsbnError(f"'{text}' is not an ISBN (10 digits, the last may be X, or 13 digits starting 978/979)")


def isbn10_to_13(isbn10: str) -> str:
    """The ISBN-13 (978 prefix) of a valid bare ISBN-10."""
    core = "978" + isbn10[:9]
    check = (10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(core)) % 10) % 10
    return core + str(check)
