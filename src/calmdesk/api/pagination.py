"""Pages of list results: ``limit`` and ``offset`` in; ``items``, ``has_more`` and (when it is
cheap to know) ``total`` out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    limit: int
    offset: int
    has_more: bool = Field(description="Another page follows (ask with offset + limit).")
    total: int | None = Field(default=None, description="All matching items, when counted.")


def page_of(rows: Sequence[T], *, limit: int, offset: int) -> Page[T]:
    """The page of ``rows`` (the whole list) that starts at ``offset``."""
    return Page[T](
        items=list(rows[offset : offset + limit]), limit=limit, offset=offset,
        has_more=offset + limit < len(rows), total=len(rows),
    )  # fmt: skip


def page_from_query(rows: Sequence[T], *, limit: int, offset: int) -> Page[T]:
    """The page from a query asked for ``limit + 1`` rows at ``offset`` (the extra row tells
    whether another page follows, without counting them all)."""
    return Page[T](items=list(rows[:limit]), limit=limit, offset=offset, has_more=len(rows) > limit)
