# The markets' fixtures (the default market's row, Europe and Japan) for promotions in them.
from tests.markets.conftest import default_market_row, eu_market, jp_market  # noqa: F401
