"""The demo catalog's German: each category's, product's and option's name and description,
keyed by the English name (shop/catalog/demo.py). Written into the `_de` columns; a name
missing here reads the English one."""

CATEGORIES = {
    "Clothing": ("Kleidung", "Alltagskleidung, die lange hält."),
    "Home & Kitchen": ("Haus & Küche", "Dinge, die Sie jeden Tag benutzen."),
    "Outdoors": ("Draußen", "Ausrüstung für Tage an der frischen Luft."),
    "Stationery": ("Schreibwaren", "Für Listen, Briefe und Skizzen."),
    "Bags & Accessories": ("Taschen & Accessoires", "Gut getragen."),
    "Pantry": ("Vorratskammer", "Feinkost aus kleinen Chargen zum Teilen."),
}

OPTION_TYPES = {
    "size": "Größe",
    "waist": "Bundweite",
    "colour": "Farbe",
    "capacity": "Inhalt",
    "diameter": "Durchmesser",
    "board": "Größe",
    "paper": "Papier",
    "grind": "Mahlgrad",
}

# Option values as a German shopper reads them, by option code and value (the value stays the
# key of filter links and CSV files); a value missing here ("Sand", "M") reads as itself.
OPTION_VALUES = {
    "colour": {
        "Forest": "Waldgrün", "Charcoal": "Anthrazit", "Navy": "Marineblau", "Ochre": "Ocker",
        "Natural": "Natur", "Black": "Schwarz", "Tan": "Hellbraun", "Oatmeal": "Hafer",
        "Cream": "Creme", "Blue": "Blau", "Rust": "Rost", "Brass": "Messing",
        "Walnut": "Nussbaum", "Amber": "Bernstein", "Red": "Rot", "Steel": "Stahl",
        "Clear": "Transparent",
    },
    "board": {"Small": "Klein", "Large": "Groß"},
    "paper": {"Dot grid": "Gepunktet", "Lined": "Liniert", "Plain": "Blanko"},
    "grind": {"Whole bean": "Ganze Bohne", "Filter": "Filter", "Espresso": "Espresso"},
}  # fmt: skip

PRODUCTS = {
    "Organic Cotton Tee": ("T-Shirt aus Bio-Baumwolle", "Schwere Bio-Baumwolle, stückgefärbt."),
    "Merino Crew Sweater": (
        "Merino-Pullover mit Rundhals",
        "Feine Merinowolle, die wärmt, ohne aufzutragen.",
    ),
    "Canvas Work Jacket": (
        "Arbeitsjacke aus Canvas",
        "Gewachstes Canvas, Cordkragen, vier Taschen.",
    ),
    "Linen Shirt": ("Leinenhemd", "Atmungsaktives europäisches Leinen, lässige Passform."),
    "Fleece Hoodie": ("Fleece-Kapuzenpullover", "Recyceltes Fleece, innen angeraut."),
    "Chino Trousers": ("Chinohose", "Baumwoll-Twill mit Stretch und schmal zulaufendem Bein."),
    "Rain Shell": ("Regenjacke", "Verschweißte Nähte, lässt sich in die eigene Tasche packen."),
    "Stoneware Mug": (
        "Steingutbecher",
        "Von Hand glasiert, 350 ml, spülmaschinenfest.",
    ),
    "Cast Iron Skillet": (
        "Gusseisenpfanne",
        "Vorgeölte Pfanne für ein Leben lang.",
    ),
    "Linen Tea Towels (set of 2)": (
        "Leinen-Geschirrtücher (2er-Set)",
        "Saugfähiges, stonewashed Leinen.",
    ),
    "Walnut Cutting Board": ("Schneidebrett aus Walnuss", "Hirnholz aus Walnuss, von Hand geölt."),
    "Pour-over Coffee Set": (
        "Pour-over-Kaffeeset",
        "Keramikfilter mit Glaskaraffe.",
    ),
    "Wool Throw Blanket": ("Wolldecke", "Decke aus Lammwolle, 130 × 180 cm."),
    "Enamel Storage Tins": ("Emaille-Vorratsdosen", "Dreierset luftdichter Dosen."),
    "Daypack 20L": (
        "Tagesrucksack 20 l",
        "Wasserabweisender Rucksack mit gepolstertem Laptopfach.",
    ),
    "Insulated Bottle": ("Isolierflasche", "Hält Getränke 24 Stunden lang kalt."),
    "Camp Stool": ("Campinghocker", "Lässt sich flach zusammenklappen, trägt 120 kg."),
    "Trail Headlamp": ("Stirnlampe", "300 Lumen, per USB aufladbar."),
    "Picnic Blanket": (
        "Picknickdecke",
        "Wasserdichte Unterseite, lässt sich mit einem Riemen zusammenrollen.",
    ),
    "Hammock": ("Hängematte", "Fallschirmnylon mit Baumgurten."),
    "Enamel Camp Plate Set": (
        "Emaille-Campingteller-Set",
        "Vier Teller, die jede Reise überstehen.",
    ),
    "A5 Notebook": ("Notizbuch A5", "192 Seiten Papier mit 100 g/m², liegt flach auf."),
    "Brass Pen": ("Messingkugelschreiber", "Massives Messing, das mit der Zeit Patina ansetzt."),
    "Desk Planner": ("Tischplaner", "Undatierte Wochenseiten."),
    "Watercolour Set": ("Aquarellkasten", "Zwölf Näpfchen in Künstlerqualität in einer Dose."),
    "Kraft Envelopes (25)": ("Kraftpapier-Umschläge (25)", "Recyceltes Kraftpapier, C6."),
    "Leather Pencil Case": (
        "Federmäppchen aus Leder",
        "Pflanzlich gegerbtes Leder, mit Reißverschluss.",
    ),
    "Canvas Tote": ("Canvas-Tragetasche", "Schweres Canvas mit Ledergriffen."),
    "Leather Wallet": ("Lederportemonnaie", "Schmale Klappbörse mit sechs Kartenfächern."),
    "Wool Beanie": ("Wollmütze", "Rippstrick aus Lammwolle."),
    "Weekender Bag": ("Weekender", "Reisetasche aus gewachstem Canvas für kurze Reisen."),
    "Key Ring": ("Schlüsselring", "Massives Messing mit Lederschlaufe."),
    "Sunglasses": ("Sonnenbrille", "Polarisierte Gläser, Fassung aus Acetat."),
    "Wildflower Honey": ("Wildblütenhonig", "Roher Honig von kleinen Imkereien."),
    "Single-origin Coffee Beans": (
        "Kaffeebohnen aus einer Herkunft",
        "Mittlere Röstung, 250 g.",
    ),
    "Olive Oil": ("Olivenöl", "Kalt gepresst, nativ extra."),
    "Sea Salt Flakes": ("Meersalzflocken", "Von Hand geerntet, 250 g."),
    "Dark Chocolate Bar": ("Zartbitterschokolade", "72 % Kakao, aus einer Herkunft."),
    "Loose Leaf Tea": ("Loser Tee", "Frühstücksmischung, 100 g."),
    "Hot Sauce Trio": ("Scharfe Saucen im Trio", "Drei Saucen von mild bis feurig."),
}
