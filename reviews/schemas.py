"""What the reviews' API takes and answers (reviews/api.py)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from reviews.models import NAME_MAX, TEXT_MAX, TITLE_MAX
from shop.api.schemas import BodyIn


class ReviewOut(Schema):
    id: int
    product_slug: str
    rating: int
    title: str
    text: str
    author_name: str = Field(description="As shown: the name its author gave, or “A shopper”.")
    verified_buyer: bool
    helpful_count: int
    reply: str = Field(description="The merchant's public reply; empty if none.")
    created_at: datetime


class MyReviewOut(ReviewOut):
    status: str = Field(description="pending, approved or rejected.")
    rejection_reason: str = Field(description="Why it was not published; empty otherwise.")


class ReviewPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next_page: int | None
    average: str | None = Field(description='The average rating, e.g. "4.50"; null if none.')
    distribution: list[int] = Field(description="Published reviews with 1, 2, 3, 4, 5 stars.")
    items: list[ReviewOut]


class ReviewIn(BodyIn):
    rating: int = Field(ge=1, le=5)
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    text: str = Field(min_length=1, max_length=TEXT_MAX)
    author_name: str = Field("", max_length=NAME_MAX)
