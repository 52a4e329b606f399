"""Image files for the tests, made with Pillow (and one made by hand: a decompression bomb)."""

import struct
import zlib
from io import BytesIO

from PIL import Image


def picture(width: int, height: int, image_format: str = "PNG", mode: str = "RGB") -> bytes:
    image = Image.new(mode, (width, height), (200, 40, 40) if mode == "RGB" else (200, 40, 40, 128))
    out = BytesIO()
    image.save(out, image_format)
    return out.getvalue()


def bomb(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels and holds next to nothing: whoever decodes
    it without looking at the declared size first allocates gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
