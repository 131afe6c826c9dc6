"""Badge images (PNG, SVG) baked with the signed credential, and QR codes of verification URLs.

Baking follows Open Badges 3.0: the VC-JWT goes into a PNG ``iTXt`` chunk with the keyword
``openbadgecredential``, or into an ``<openbadges:credential verify="…"/>`` element of the SVG (namespace
``https://purl.imsglobal.org/ob/v3p0``). The image shows the achievement, the level and the school only.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from openbadgeslib import baking
from PIL import Image, ImageDraw, ImageFont

from parcours.qr import qr_code

from .enums import AchievementKind
from .models import Credential

SIZE = 600
BLUE = "#000091"
RED = "#E1000F"
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]

KIND_LABELS_FR = {
    AchievementKind.COMPETENCY: "Compétence",
    AchievementKind.COURSE: "Enseignement optionnel",
    AchievementKind.TRACK: "Mention",
}


@cache
def _font(size: int, bold: bool = False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for directory in FONT_DIRS:
        if (directory / name).exists():
            return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size=size)


def _lines(credential: Credential) -> tuple[str, list[str], str, str]:
    kind = KIND_LABELS_FR.get(credential.achievement_kind, "")
    name = textwrap.wrap(credential.name, width=24)[:4]
    level = credential.achievement.get("level_label") or ""
    return kind, name, level, credential.institution.name


def badge_png(credential: Credential) -> bytes:
    kind, name, level, school = _lines(credential)
    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, SIZE - 20, SIZE - 20), fill=BLUE)
    draw.ellipse((44, 44, SIZE - 44, SIZE - 44), outline="white", width=4)
    center = SIZE // 2
    draw.text((center, 130), kind.upper(), font=_font(24, bold=True), fill="white", anchor="mm")
    y = 240 - 22 * (len(name) - 1)
    for line in name:
        draw.text((center, y), line, font=_font(34, bold=True), fill="white", anchor="mm")
        y += 46
    if level:
        draw.rounded_rectangle((center - 170, y + 4, center + 170, y + 52), radius=24, fill=RED)
        draw.text(
            (center, y + 28),
            textwrap.shorten(level, 28),
            font=_font(22, bold=True),
            fill="white",
            anchor="mm",
        )
    draw.text((center, SIZE - 120), textwrap.shorten(school, 40), font=_font(20), fill="white", anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def badge_svg(credential: Credential) -> bytes:
    kind, name, level, school = _lines(credential)
    center = SIZE // 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{baking.SVG_NS_OB3}" '
        f'width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label={quoteattr(credential.name)}>',
        f'<circle cx="{center}" cy="{center}" r="{center - 20}" fill="{BLUE}"/>',
        f'<circle cx="{center}" cy="{center}" r="{center - 44}" fill="none" stroke="white" stroke-width="4"/>',
        '<g font-family="Marianne, DejaVu Sans, Arial, sans-serif" fill="white" text-anchor="middle">',
        f'<text x="{center}" y="138" font-size="24" font-weight="bold">{escape(kind.upper())}</text>',
    ]
    y = 252 - 22 * (len(name) - 1)
    for line in name:
        parts.append(f'<text x="{center}" y="{y}" font-size="34" font-weight="bold">{escape(line)}</text>')
        y += 46
    if level:
        parts.append(f'<rect x="{center - 170}" y="{y - 8}" width="340" height="48" rx="24" fill="{RED}"/>')
        parts.append(
            f'<text x="{center}" y="{y + 24}" font-size="22" font-weight="bold">{escape(textwrap.shorten(level, 28))}</text>'
        )
    parts.append(
        f'<text x="{center}" y="{SIZE - 112}" font-size="20">{escape(textwrap.shorten(school, 40))}</text>'
    )
    parts.append("</g></svg>")
    return "".join(parts).encode()


def baked_png(credential: Credential) -> bytes:
    return baking.bake_png(badge_png(credential), credential.token, keyword=baking.ITXT_KEYWORD_OB3)


def baked_svg(credential: Credential) -> bytes:
    return baking.bake_svg(
        badge_svg(credential),
        credential.token,
        element=baking.SVG_ELEMENT_OB3,
        namespace=baking.SVG_NS_OB3,
    )


@lru_cache(maxsize=2048)
def qr_svg_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI (for <img src>, PDFs and pages).

    A credential's verification URL never changes, and encoding and drawing a code costs a few milliseconds
    (a holder's page shows one per credential): the codes are kept per process (2,048 of about 6 kB each at
    most)."""
    return qr_code(url).svg_data_uri(scale=4, border=2)


def qr_png(url: str, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
