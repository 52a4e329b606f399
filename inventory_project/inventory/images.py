"""Product images: an upload is checked and stored at once; its renditions (thumbnails in
several sizes and a WebP copy) are made by the CPU lane, never on the request path.

    product_image_upload   staff, through the API or the admin: 202, processing
    product_image_render   the CPU worker, on `inventory.image.uploaded`
"""

import secrets
import shutil
import warnings
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from servicekit.errors import InvalidInput
from servicekit.events.outbox import publish_event

from .error_codes import InventoryErrorCode
from .models import Product, ProductImage

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}  # what may be uploaded
THUMBNAILS = {"thumb_128": 128, "thumb_256": 256, "thumb_512": 512}  # longest side, in pixels
WEBP_MAX_SIDE = 1600


class InvalidImage(InvalidInput):
    code = InventoryErrorCode.INVALID_IMAGE
    message = "The file is not an image this shop accepts."


class ImageTooLarge(InvalidInput):
    status = 413
    code = InventoryErrorCode.IMAGE_TOO_LARGE
    message = "The image is too large."


def image_inspect(data: bytes) -> str:
    """The image's format, if it is one we accept; otherwise a clear refusal. A declared size
    beyond the pixel limit (a decompression bomb) is refused before anything is decoded."""
    if len(data) > settings.PRODUCT_IMAGE_MAX_BYTES:
        raise ImageTooLarge(details={"max_bytes": settings.PRODUCT_IMAGE_MAX_BYTES, "bytes": len(data)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                image_format, (width, height) = image.format, image.size
                if width * height > settings.PRODUCT_IMAGE_MAX_PIXELS:
                    raise ImageTooLarge(
                        "The image has too many pixels.",
                        details={"max_pixels": settings.PRODUCT_IMAGE_MAX_PIXELS, "width": width, "height": height},
                    )
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InvalidImage(details={"reason": str(exc)[:200]}) from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt
        raise InvalidImage("The image is damaged.", details={"reason": str(exc)[:200]}) from exc
    if image_format not in FORMATS:
        raise InvalidImage(details={"format": image_format, "accepted": sorted(FORMATS)})
    return image_format


def _product_dir(product_id) -> Path:
    return Path(settings.MEDIA_ROOT) / "products" / str(product_id)


@transaction.atomic
def product_image_upload(*, product: Product, data: bytes) -> ProductImage:
    """Store a new image for the product (replacing any other) and ask for its renditions."""
    image_format = image_inspect(data)
    version = secrets.token_hex(8)
    original = Path("products") / str(product.pk) / version / f"original.{FORMATS[image_format]}"
    path = Path(settings.MEDIA_ROOT) / original
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    image, _ = ProductImage.objects.update_or_create(
        product=product,
        defaults={
            "version": version,
            "original": str(original),
            "state": ProductImage.State.PROCESSING,
            "error": "",
            "renditions": {},
            "uploaded_at": timezone.now(),
            "processed_at": None,
        },
    )
    publish_event("inventory.image.uploaded", {"product_id": str(product.pk), "version": version})
    return image


def _render(original: Path, directory: Path) -> dict:
    renditions = {}
    with Image.open(original) as source:
        source.load()
        picture = ImageOps.exif_transpose(source)
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        for name, side in THUMBNAILS.items():
            thumb = picture.copy()
            thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
            image_format, suffix = ("PNG", "png") if has_alpha else ("JPEG", "jpg")
            target = directory / f"{name}.{suffix}"
            thumb.save(target, image_format, **({} if has_alpha else {"quality": 85, "optimize": True}))
            renditions[name] = _described(target, thumb, image_format)
        copy = picture.copy()
        copy.thumbnail((WEBP_MAX_SIDE, WEBP_MAX_SIDE), Image.Resampling.LANCZOS)
        target = directory / "image.webp"
        copy.save(target, "WEBP", quality=80, method=4)
        renditions["webp"] = _described(target, copy, "WEBP")
    return renditions


def _described(target: Path, image: Image.Image, image_format: str) -> dict:
    relative = target.relative_to(settings.MEDIA_ROOT)
    return {"path": str(relative), "width": image.width, "height": image.height, "format": image_format}


def product_image_render(*, product_id: str, version: str) -> None:
    """Make the renditions of one upload. A replaced upload (another version since) or one
    already rendered is left alone, so a redelivered job changes nothing; a failure is
    recorded on the image with its reason."""
    image = ProductImage.objects.filter(product_id=product_id, version=version).first()
    if image is None or image.state != ProductImage.State.PROCESSING:
        return
    original = Path(settings.MEDIA_ROOT) / image.original
    try:
        outcome = {"state": ProductImage.State.READY, "renditions": _render(original, original.parent)}
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        outcome = {"state": ProductImage.State.FAILED, "error": f"{type(exc).__name__}: {exc}"[:1000]}
    current = ProductImage.objects.filter(product_id=product_id, version=version)
    if current.update(processed_at=timezone.now(), **outcome):
        for directory in _product_dir(product_id).iterdir():  # a replaced image's files go
            if directory.name != version:
                shutil.rmtree(directory, ignore_errors=True)
