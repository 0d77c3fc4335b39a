"""ISBN checksums."""

from __future__ import annotations

import pytest

from serge_kg.isbn import IsbnError, isbn10_to_13, normalize_isbn


@pytest.mark.parametrize("isbn, bare", [
    ("978-1-59017-366-4", "9781590173664"), ("9781590177709", "9781590177709"),
    ("1-85984-987-3", "1859849873"), ("0-19-281037-5", "0192810375"),
])
def test_valid(isbn: str, bare: str) -> None:
    assert normalize_isbn(isbn) == bare


@pytest.mark.parametrize("bad", ["978-1-59017-366-5", "1-85984-987-4", "12345", "97815901773X4"])
def test_invalid(bad: str) -> None:
    with pytest.raises(IsbnError):
        normalize_isbn(bad)


def test_isbn10_to_13() -> None:
    assert isbn10_to_13("1859849873") == "9781859849873"
