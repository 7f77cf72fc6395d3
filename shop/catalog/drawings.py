"""Product shots for the demo catalog: a simple drawn silhouette of each kind of product on a
soft background, in the variant's colour, as a front view and a close-up. Pillow only; the
same inputs always give the same picture."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter

SIZE = 960
BACKGROUNDS = [(241, 238, 231), (233, 238, 236), (240, 234, 228), (236, 236, 240)]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _shade(colour, factor: float):
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


# Each drawer paints on a 100 × 100 grid (scaled to the image) with the main colour `c`, a
# darker line colour `d` and a lighter one `hi`.


def _tee(draw, p, c, d, hi, sleeves="short"):
    arm = 30 if sleeves == "short" else 62
    body = [(34, 22), (44, 18), (50, 24), (56, 18), (66, 22), (86, 34), (80, arm + 12),
            (70, 38), (70, 86), (30, 86), (30, 38), (20, arm + 12), (14, 34)]  # fmt: skip
    if sleeves == "long":
        body = [(34, 22), (44, 18), (50, 24), (56, 18), (66, 22), (80, 30), (88, 78), (78, 80),
                (70, 44), (70, 86), (30, 86), (30, 44), (22, 80), (12, 78), (20, 30)]  # fmt: skip
    draw.polygon(p(body), fill=c, outline=d, width=3)
    draw.arc(p([(42, 14), (58, 30)]), 20, 160, fill=d, width=4)


def _hoodie(draw, p, c, d, hi):
    _tee(draw, p, c, d, hi, sleeves="long")
    draw.polygon(
        p([(38, 24), (50, 8), (62, 24), (50, 34)]), fill=_shade(c, 0.9), outline=d, width=3
    )
    draw.rectangle(p([(40, 60), (60, 72)]), outline=d, width=3)


def _jacket(draw, p, c, d, hi):
    _tee(draw, p, c, d, hi, sleeves="long")
    draw.line(p([(50, 26), (50, 86)]), fill=d, width=4)
    for y in (40, 54, 68):
        draw.ellipse(p([(46, y), (48, y + 2)]), fill=hi)
    draw.rectangle(p([(34, 58), (44, 66)]), outline=d, width=3)
    draw.rectangle(p([(56, 58), (66, 66)]), outline=d, width=3)


def _trousers(draw, p, c, d, hi):
    draw.polygon(p([(32, 12), (68, 12), (74, 90), (56, 90), (50, 34), (44, 90), (26, 90)]),
                 fill=c, outline=d, width=3)  # fmt: skip
    draw.line(p([(32, 18), (68, 18)]), fill=d, width=3)


def _mug(draw, p, c, d, hi):
    draw.arc(p([(60, 36), (84, 66)]), -90, 90, fill=c, width=int(p.scale * 6))
    draw.rounded_rectangle(p([(22, 26), (66, 82)]), radius=p.scale * 6, fill=c, outline=d, width=3)
    draw.ellipse(p([(22, 21), (66, 31)]), fill=_shade(c, 0.8), outline=d, width=3)


def _skillet(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(62, 46), (96, 54)]), radius=p.scale * 4, fill=c, outline=d, width=3)
    draw.ellipse(p([(6, 22), (68, 78)]), fill=c, outline=d, width=3)
    draw.ellipse(p([(14, 29), (60, 71)]), fill=_shade(c, 1.25), outline=d, width=2)


def _folded(draw, p, c, d, hi):
    for i, shade in enumerate((0.8, 0.9, 1.0)):
        y = 30 + i * 14
        draw.rounded_rectangle(p([(18, y), (82, y + 22)]), radius=p.scale * 3,
                               fill=_shade(c, shade), outline=d, width=3)  # fmt: skip
    for x in (30, 42, 54, 66):
        draw.line(p([(x, 60), (x, 80)]), fill=_shade(c, 0.75), width=2)


def _board(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(14, 30), (80, 74)]), radius=p.scale * 6, fill=c, outline=d, width=3)
    draw.rounded_rectangle(p([(78, 46), (94, 58)]), radius=p.scale * 5, fill=c, outline=d, width=3)
    draw.ellipse(p([(84, 49), (90, 55)]), fill=hi)
    for y in (40, 52, 64):
        draw.line(p([(22, y), (72, y + 2)]), fill=_shade(c, 0.85), width=2)


def _pourover(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(28, 48), (72, 90)]), radius=p.scale * 10, fill=(215, 226, 230),
                           outline=d, width=3)  # fmt: skip
    draw.polygon(p([(24, 16), (76, 16), (60, 46), (40, 46)]), fill=c, outline=d, width=3)


def _tins(draw, p, c, d, hi):
    for x, h in ((12, 50), (38, 40), (64, 30)):
        draw.rounded_rectangle(
            p([(x, h), (x + 24, 86)]), radius=p.scale * 3, fill=c, outline=d, width=3
        )
        draw.rectangle(
            p([(x - 1, h - 6), (x + 25, h + 2)]), fill=_shade(c, 0.8), outline=d, width=2
        )


def _backpack(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(24, 18), (76, 90)]), radius=p.scale * 14, fill=c, outline=d, width=3)
    draw.rounded_rectangle(p([(32, 54), (68, 84)]), radius=p.scale * 6, fill=_shade(c, 0.88),
                           outline=d, width=3)  # fmt: skip
    draw.arc(p([(40, 6), (60, 26)]), 180, 360, fill=d, width=4)


def _bottle(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(36, 22), (64, 92)]), radius=p.scale * 9, fill=c, outline=d, width=3)
    draw.rounded_rectangle(
        p([(40, 8), (60, 22)]), radius=p.scale * 3, fill=_shade(c, 0.7), outline=d, width=3
    )
    draw.line(p([(42, 34), (42, 80)]), fill=hi, width=4)


def _stool(draw, p, c, d, hi):
    draw.line(p([(26, 90), (72, 36)]), fill=d, width=int(p.scale * 4))
    draw.line(p([(74, 90), (28, 36)]), fill=d, width=int(p.scale * 4))
    draw.rounded_rectangle(p([(18, 26), (82, 38)]), radius=p.scale * 4, fill=c, outline=d, width=3)


def _headlamp(draw, p, c, d, hi):
    draw.ellipse(p([(14, 30), (86, 78)]), outline=c, width=int(p.scale * 6))
    draw.rounded_rectangle(
        p([(36, 40), (64, 64)]), radius=p.scale * 5, fill=_shade(c, 0.7), outline=d, width=3
    )
    draw.ellipse(p([(42, 44), (58, 60)]), fill=(250, 238, 170), outline=d, width=2)


def _hammock(draw, p, c, d, hi):
    draw.line(p([(6, 30), (22, 40)]), fill=d, width=3)
    draw.line(p([(94, 30), (78, 40)]), fill=d, width=3)
    draw.chord(p([(18, 10), (82, 76)]), 0, 180, fill=c, outline=d, width=3)


def _plates(draw, p, c, d, hi):
    for i in range(3):
        y = 64 - i * 9
        draw.ellipse(p([(14, y - 14), (86, y + 14)]), fill=c, outline=d, width=3)
    draw.ellipse(p([(28, 37), (72, 55)]), outline=_shade(c, 0.8), width=3)


def _notebook(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(24, 12), (76, 88)]), radius=p.scale * 3, fill=c, outline=d, width=3)
    draw.line(p([(32, 12), (32, 88)]), fill=_shade(c, 0.75), width=3)
    draw.line(p([(66, 12), (66, 88)]), fill=(196, 74, 58), width=3)


def _pen(draw, p, c, d, hi):
    draw.line(p([(20, 82), (78, 20)]), fill=c, width=int(p.scale * 7))
    draw.line(p([(20, 82), (14, 88)]), fill=d, width=int(p.scale * 3))
    draw.line(p([(70, 26), (78, 34)]), fill=d, width=int(p.scale * 2))


def _paints(draw, p, c, d, hi):
    draw.rounded_rectangle(
        p([(12, 26), (88, 76)]), radius=p.scale * 4, fill=(220, 220, 224), outline=d, width=3
    )
    colours = [
        (196, 60, 50),
        (230, 160, 40),
        (240, 210, 70),
        (80, 150, 80),
        (60, 110, 170),
        (110, 70, 150),
    ]
    for i, colour in enumerate(colours * 2):
        x, y = 18 + (i % 6) * 12, 34 + (i // 6) * 20
        draw.rounded_rectangle(p([(x, y), (x + 9, y + 14)]), radius=p.scale * 2, fill=colour)


def _envelope(draw, p, c, d, hi):
    draw.rectangle(p([(14, 28), (86, 76)]), fill=c, outline=d, width=3)
    draw.line(p([(14, 28), (50, 56), (86, 28)]), fill=d, width=3)


def _pouch(draw, p, c, d, hi, zip_line=True):
    draw.rounded_rectangle(p([(14, 34), (86, 72)]), radius=p.scale * 12, fill=c, outline=d, width=3)
    if zip_line:
        draw.line(p([(22, 42), (78, 42)]), fill=_shade(c, 0.7), width=3)
        draw.rectangle(p([(74, 38), (80, 48)]), fill=(200, 170, 90))


def _tote(draw, p, c, d, hi):
    draw.arc(p([(30, 6), (50, 46)]), 180, 360, fill=(120, 80, 50), width=int(p.scale * 3))
    draw.arc(p([(50, 6), (70, 46)]), 180, 360, fill=(120, 80, 50), width=int(p.scale * 3))
    draw.polygon(p([(20, 26), (80, 26), (86, 90), (14, 90)]), fill=c, outline=d, width=3)


def _wallet(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(16, 28), (84, 74)]), radius=p.scale * 5, fill=c, outline=d, width=3)
    draw.line(p([(50, 28), (50, 74)]), fill=_shade(c, 0.7), width=3)
    draw.rounded_rectangle(
        p([(56, 36), (78, 48)]), radius=p.scale * 2, outline=_shade(c, 0.7), width=2
    )


def _beanie(draw, p, c, d, hi):
    draw.chord(p([(18, 16), (82, 92)]), 180, 360, fill=c, outline=d, width=3)
    draw.rounded_rectangle(
        p([(14, 52), (86, 72)]), radius=p.scale * 4, fill=_shade(c, 0.88), outline=d, width=3
    )
    for x in range(20, 84, 6):
        draw.line(p([(x, 55), (x, 69)]), fill=_shade(c, 0.72), width=2)
    draw.ellipse(p([(42, 6), (58, 22)]), fill=_shade(c, 1.15), outline=d, width=2)


def _weekender(draw, p, c, d, hi):
    draw.arc(p([(32, 14), (68, 54)]), 180, 360, fill=(120, 80, 50), width=int(p.scale * 4))
    draw.rounded_rectangle(p([(8, 34), (92, 82)]), radius=p.scale * 16, fill=c, outline=d, width=3)
    draw.line(p([(16, 46), (84, 46)]), fill=_shade(c, 0.7), width=3)


def _keyring(draw, p, c, d, hi):
    draw.ellipse(p([(18, 12), (54, 48)]), outline=(190, 160, 80), width=int(p.scale * 4))
    draw.rounded_rectangle(p([(40, 40), (60, 90)]), radius=p.scale * 6, fill=c, outline=d, width=3)
    draw.ellipse(p([(46, 44), (54, 52)]), fill=_shade(c, 0.6))


def _sunglasses(draw, p, c, d, hi):
    for x in (10, 54):
        draw.rounded_rectangle(p([(x, 36), (x + 36, 64)]), radius=p.scale * 12, fill=(60, 64, 70),
                               outline=c, width=int(p.scale * 3))  # fmt: skip
    draw.arc(p([(42, 36), (58, 50)]), 200, 340, fill=c, width=int(p.scale * 3))


def _jar(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(26, 30), (74, 88)]), radius=p.scale * 10, fill=c, outline=d, width=3)
    draw.rounded_rectangle(
        p([(30, 16), (70, 30)]), radius=p.scale * 3, fill=(110, 90, 70), outline=d, width=3
    )
    draw.rectangle(p([(34, 46), (66, 70)]), fill=(245, 240, 228))


def _oil(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(34, 36), (66, 92)]), radius=p.scale * 6, fill=c, outline=d, width=3)
    draw.polygon(p([(40, 36), (60, 36), (56, 16), (44, 16)]), fill=c, outline=d, width=3)
    draw.rectangle(p([(44, 8), (56, 16)]), fill=(60, 60, 60))
    draw.rectangle(p([(38, 54), (62, 76)]), fill=(245, 240, 228))


def _bag(draw, p, c, d, hi):
    draw.polygon(p([(26, 18), (74, 18), (80, 90), (20, 90)]), fill=c, outline=d, width=3)
    draw.line(p([(26, 26), (74, 26)]), fill=_shade(c, 0.7), width=3)
    draw.rectangle(p([(36, 44), (64, 68)]), fill=(245, 240, 228))


def _chocolate(draw, p, c, d, hi):
    draw.rounded_rectangle(p([(20, 14), (80, 88)]), radius=p.scale * 2, fill=c, outline=d, width=3)
    for x in (35, 50, 65):
        draw.line(p([(x, 14), (x, 88)]), fill=_shade(c, 0.75), width=2)
    for y in (32, 50, 68):
        draw.line(p([(20, y), (80, y)]), fill=_shade(c, 0.75), width=2)


def _sauces(draw, p, c, d, hi):
    for x, colour in ((16, (190, 60, 40)), (40, (220, 120, 40)), (64, (120, 40, 30))):
        draw.rounded_rectangle(
            p([(x, 40), (x + 20, 90)]), radius=p.scale * 4, fill=colour, outline=d, width=3
        )
        draw.rectangle(p([(x + 6, 24), (x + 14, 40)]), fill=colour, outline=d, width=2)
        draw.rectangle(p([(x + 5, 18), (x + 15, 24)]), fill=(40, 40, 40))


KINDS = {
    "tee": _tee, "hoodie": _hoodie, "sweater": lambda *a: _tee(*a, sleeves="long"),
    "jacket": _jacket, "trousers": _trousers, "mug": _mug, "skillet": _skillet,
    "folded": _folded, "board": _board, "pourover": _pourover, "tins": _tins,
    "backpack": _backpack, "bottle": _bottle, "stool": _stool, "headlamp": _headlamp,
    "hammock": _hammock, "plates": _plates, "notebook": _notebook, "pen": _pen,
    "paints": _paints, "envelope": _envelope, "pouch": _pouch, "tote": _tote,
    "wallet": _wallet, "beanie": _beanie, "weekender": _weekender, "keyring": _keyring,
    "sunglasses": _sunglasses, "jar": _jar, "oil": _oil, "bag": _bag,
    "chocolate": _chocolate, "sauces": _sauces,
}  # fmt: skip


class _Grid:
    """Maps the 100 × 100 drawing grid onto the image, zoomed around a centre."""

    def __init__(self, zoom: float, centre: tuple[float, float]):
        self.scale = SIZE / 100 * zoom
        self.offset = (SIZE / 2 - centre[0] * self.scale, SIZE / 2 - centre[1] * self.scale)

    def __call__(self, points):
        return [
            (x * self.scale + self.offset[0], y * self.scale + self.offset[1]) for x, y in points
        ]


def product_shot(kind: str, colour: str, *, view: int = 0) -> bytes:
    """A JPEG of the product: view 0 the whole product, 1 a close-up, 2 on another backdrop."""
    background = BACKGROUNDS[view % len(BACKGROUNDS)]
    image = Image.new("RGB", (SIZE, SIZE), background)
    zoom, centre = [(0.78, (50, 54)), (1.3, (48, 48)), (0.62, (50, 50))][view % 3]
    grid = _Grid(zoom, centre)
    # A soft shadow under the product.
    shadow = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(shadow).ellipse(grid([(18, 88), (82, 100)]), fill=70)
    shadow = shadow.filter(ImageFilter.GaussianBlur(SIZE / 40))
    image.paste(_shade(background, 0.82), (0, 0), shadow)
    main = _rgb(colour)
    line = _shade(main, 0.62) if sum(main) > 150 else _shade(main, 1.8)
    light = _shade(main, 1.3)
    # Drawn at twice the size on a transparent layer and scaled down: smooth edges.
    drawing = Image.new("RGBA", (SIZE * 2, SIZE * 2), (0, 0, 0, 0))
    big = _Grid(zoom * 2, centre)
    big.offset = (SIZE - centre[0] * big.scale, SIZE - centre[1] * big.scale)
    KINDS[kind](ImageDraw.Draw(drawing), big, main, line, light)
    if view == 2:
        drawing = drawing.rotate(-8, resample=Image.BICUBIC)
    drawing = drawing.resize((SIZE, SIZE), Image.LANCZOS)
    image.paste(drawing, (0, 0), drawing)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=86, optimize=True)
    return buffer.getvalue()
