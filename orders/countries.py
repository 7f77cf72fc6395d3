"""Countries we ship to (ISO 3166-1 alpha-2), for the address form."""

COUNTRIES = [
    ("AU", "Australia"), ("AT", "Austria"), ("BE", "Belgium"), ("CA", "Canada"),
    ("CH", "Switzerland"), ("CZ", "Czechia"), ("DE", "Germany"), ("DK", "Denmark"),
    ("ES", "Spain"), ("FI", "Finland"), ("FR", "France"), ("GB", "United Kingdom"),
    ("IE", "Ireland"), ("IT", "Italy"), ("JP", "Japan"), ("KW", "Kuwait"),
    ("MX", "Mexico"), ("NL", "Netherlands"), ("NO", "Norway"), ("NZ", "New Zealand"),
    ("PL", "Poland"), ("PT", "Portugal"), ("SE", "Sweden"), ("SG", "Singapore"),
    ("US", "United States"),
]  # fmt: skip
