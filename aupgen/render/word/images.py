"""A setting's logo: checked (a regular file, a PNG or JPEG decoded in full, not too big) and placed inline with alt text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from aupgen.files.inputs import InputError, read_bounded
from aupgen.render.word.xml import EMU_PER_CM, attr

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 6000
MAX_PIXELS = 24_000_000
"""A logo is printed 2.5 cm high: far fewer pixels serve; these bound the memory decoding takes."""
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
    """Read a PNG or JPEG logo, decoded in full (Pillow) so that a damaged file or one claiming an
    enormous size is refused before it reaches a document; raises ImageError saying what is wrong."""
    try:
        data = read_bounded(path, MAX_BYTES)
    except InputError as exc:
        raise ImageError(str(exc).replace(f"larger than {MAX_BYTES:,} bytes", "larger than 2 MB")) from None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        extension = "png"
    elif data.startswith(b"\xff\xd8"):
        extension = "jpeg"
    else:
        raise ImageError(f"{path} is not a PNG or JPEG image")
    from PIL import Image as Picture, UnidentifiedImageError

    try:
        with Picture.open(io.BytesIO(data), formats=[extension.upper()]) as picture:
            width, height = picture.size
            if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE) or width * height > MAX_PIXELS:
                raise ImageError(f"{path} is {width} × {height} pixels; a logo must be at most {MAX_SIDE} pixels "
                                 f"on each side and {MAX_PIXELS // 1_000_000} million in all")
            picture.load()  # every pixel decoded: a truncated or corrupt image fails here
    except ImageError:
        raise
    except Picture.DecompressionBombError:
        raise ImageError(f"{path} claims far more pixels than a logo needs; a logo must be at most {MAX_SIDE} "
                         f"pixels on each side and {MAX_PIXELS // 1_000_000} million in all") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"{path} is a damaged {extension.upper()} image ({exc})") from None
    return Image(data, extension, width, height)


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
