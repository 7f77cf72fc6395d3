"""What the catalog's API answers look like (shop/catalog/api.py)."""

from __future__ import annotations

from ninja import Field, Schema

from shop.api.schemas import MoneyOut


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None


class ImageOut(Schema):
    url: str = Field(description="The original image.")
    src: str = Field(description="A mid-sized JPEG rendition for an <img>.")
    srcset_webp: str
    srcset_jpeg: str
    width: int
    height: int
    alt: str
    option_value_id: int | None = Field(
        description="Shown only with this option value chosen (a colour's photos); null: always."
    )


class ProductCardOut(Schema):
    slug: str
    name: str
    price_from: MoneyOut | None
    price_to: MoneyOut | None
    in_stock: bool
    image: str | None = Field(description="A mid-sized JPEG rendition of the first image.")
    variant_id: int | None = Field(
        description="Its first variant, for a quick add from a listing (a product with "
        "options is better chosen on its own page)."
    )


class FacetValueOut(Schema):
    value: str
    count: int


class FacetsOut(Schema):
    total: int
    in_stock: int
    prices: dict[str, int] = Field(
        description='Products per price band, "low-high" ("200-" has no upper bound).'
    )
    categories: dict[str, int] = Field(description="Products per category id.")
    options: dict[str, dict[str, int]] = Field(
        description='Products per option value, by option type code: {"colour": {"Sand": 3}}.'
    )
    option_labels: dict[str, dict[str, str]] = Field(
        description="Each of those values as shoppers read it, in the answer's language: "
        '{"colour": {"Forest": "Waldgrün"}} (a value missing here reads as itself).'
    )


class ProductPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next_page: int | None
    items: list[ProductCardOut]
    facets: FacetsOut
    did_you_mean: list[str]


class OptionValueOut(Schema):
    id: int
    value: str = Field(description="Its key in filters (`o=colour:Forest`) and CSV files.")
    label: str = Field(description="As shoppers read it, in the answer's language.")
    swatch: str


class OptionOut(Schema):
    code: str
    name: str
    values: list[OptionValueOut]


class VariantOut(Schema):
    id: int
    sku: str
    label: str
    price: MoneyOut
    available: int | None = Field(
        description="Units that can be bought now; null when there is no limit."
    )
    in_stock: bool
    on_backorder: bool
    options: dict[str, int] = Field(description="Option value id by option type code.")


class ProductOut(Schema):
    slug: str
    name: str
    description: str
    category: CategoryOut
    price_from: MoneyOut | None
    price_to: MoneyOut | None
    options: list[OptionOut]
    variants: list[VariantOut]
    images: list[ImageOut]
