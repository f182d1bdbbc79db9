"""A setting's logo: checked (exists, a PNG or JPEG by its bytes, not too big) and placed inline with alt text."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from aupgen.render.word.xml import EMU_PER_CM, attr

MAX_BYTES = 2 * 1024 * 1024
LOGO_HEIGHT_CM = 2.5
LOGO_MAX_WIDTH_CM = 8.0


@dataclass(frozen=True)
class Image:
    data: bytes
    extension: str   # "png" or "jpeg"
    width_px: int
    height_px: int

    @property
    def content_type(self) -> str:
        return f"image/{self.extension}"

    def size_emu(self, height_cm: float = LOGO_HEIGHT_CM) -> tuple[int, int]:
        """Width and height on the page: ``height_cm`` high, narrower than LOGO_MAX_WIDTH_CM."""
        height = height_cm
        width = height * self.width_px / self.height_px
        if width > LOGO_MAX_WIDTH_CM:
            width, height = LOGO_MAX_WIDTH_CM, LOGO_MAX_WIDTH_CM * self.height_px / self.width_px
        return round(width * EMU_PER_CM), round(height * EMU_PER_CM)


class ImageError(ValueError):
    """Why a file is not a usable logo (a phrase to finish "the logo ... ")."""


def read_image(path: Path) -> Image:
    """Read a PNG or JPEG logo; raises ImageError saying what is wrong with it."""
    if not path.is_file():
        raise ImageError(f"{path} does not exist")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImageError(f"{path} is {size / 1048576:.1f} MB; a logo must be under {MAX_BYTES // 1048576} MB")
    data = path.read_bytes()
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return _checked(Image(data, "png", width, height), path)
    if data.startswith(b"\xff\xd8"):
        return _checked(Image(data, "jpeg", *_jpeg_size(data, path)), path)
    raise ImageError(f"{path} is not a PNG or JPEG image")


def _checked(image: Image, path: Path) -> Image:
    if not (0 < image.width_px <= 20000 and 0 < image.height_px <= 20000):
        raise ImageError(f"{path} has an impossible size ({image.width_px} × {image.height_px} pixels)")
    return image


def _jpeg_size(data: bytes, path: Path) -> tuple[int, int]:
    """Width and height from a JPEG's start-of-frame marker."""
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            break
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    raise ImageError(f"{path} is not a complete JPEG image")


def drawing(image: Image, alt_text: str, height_cm: float = LOGO_HEIGHT_CM, relationship: str = "rIdLogo",
            ident: int = 1) -> str:
    """An inline picture run with ``alt_text`` as its description (what a screen reader says)."""
    cx, cy = image.size_emu(height_cm)
    alt = attr(alt_text)
    return (f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:docPr id="{ident}" name="Logo" descr="{alt}"/><wp:cNvGraphicFramePr>'
            '<a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="logo.{image.extension}" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{relationship}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            '</wp:inline></w:drawing></w:r>')
