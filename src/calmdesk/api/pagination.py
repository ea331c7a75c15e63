"""Pages of list results: ``limit`` and ``offset`` in, ``items`` and ``total`` out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    limit: int
    offset: int


def page_of(rows: Sequence[T], *, limit: int, offset: int) -> Page[T]:
    """The page of ``rows`` that starts at ``offset``."""
    return Page[T](
        items=list(rows[offset : offset + limit]), total=len(rows), limit=limit, offset=offset
    )
