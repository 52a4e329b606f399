"""Product images: what an upload must be, and the renditions the CPU lane makes of it (called
here directly; tests/test_cpu_lane.py goes through the gateway and the real worker)."""

from pathlib import Path

import pytest
from PIL import Image

from inventory.images import ImageTooLarge, InvalidImage, image_inspect, product_image_render, product_image_upload
from inventory.models import ProductImage
from servicekit.models import OutboxEvent

from .images import bomb, picture


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_images_of_the_accepted_formats_pass():
    assert image_inspect(picture(40, 30, "PNG")) == "PNG"
    assert image_inspect(picture(40, 30, "JPEG")) == "JPEG"
    assert image_inspect(picture(40, 30, "WEBP")) == "WEBP"


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (b"name,price\nwidget,3\n", InvalidImage),  # not an image
        (picture(10, 10, "BMP"), InvalidImage),  # an image, of a format we do not take
        (picture(10, 10, "PNG")[:60], InvalidImage),  # damaged
        (bomb(100_000, 100_000), InvalidImage),  # Pillow's own bomb guard, at open
        (bomb(8_000, 6_000), ImageTooLarge),  # 48 megapixels: over our limit, refused before decoding
    ],
)
def test_what_is_not_an_acceptable_image_is_refused_clearly(data, refusal):
    with pytest.raises(refusal) as failure:
        image_inspect(data)
    assert failure.value.status in (400, 413)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.PRODUCT_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ImageTooLarge) as failure:
        image_inspect(picture(300, 300, "PNG", "RGBA") + b"\0" * 1000)
    assert failure.value.status == 413 and failure.value.details["max_bytes"] == 1000


def test_an_upload_is_stored_and_asks_for_its_renditions(make_product, media_root):
    product = make_product()
    image = product_image_upload(product=product, data=picture(1200, 800, "JPEG"))
    assert image.state == ProductImage.State.PROCESSING
    assert (media_root / image.original).read_bytes()[:2] == b"\xff\xd8"
    event = OutboxEvent.objects.get(type="inventory.image.uploaded", payload__product_id=str(product.pk))
    assert event.payload["version"] == image.version


def test_renditions_keep_the_aspect_ratio_and_include_a_webp_copy(make_product, media_root):
    product = make_product()
    image = product_image_upload(product=product, data=picture(2000, 1000, "PNG"))
    product_image_render(product_id=str(product.pk), version=image.version)
    image.refresh_from_db()
    assert image.state == ProductImage.State.READY, image.error
    sizes = {name: (r["width"], r["height"]) for name, r in image.renditions.items()}
    assert sizes == {"thumb_128": (128, 64), "thumb_256": (256, 128), "thumb_512": (512, 256), "webp": (1600, 800)}
    for rendition in image.renditions.values():
        with Image.open(media_root / rendition["path"]) as file:
            expected = (rendition["width"], rendition["height"], rendition["format"])
            assert (file.width, file.height, file.format) == expected


def test_a_replaced_image_replaces_its_renditions_and_a_stale_job_does_nothing(make_product, media_root):
    product = make_product()
    first = product_image_upload(product=product, data=picture(600, 600, "PNG"))
    second = product_image_upload(product=product, data=picture(300, 600, "PNG"))
    product_image_render(product_id=str(product.pk), version=first.version)  # late, for a replaced upload
    assert ProductImage.objects.get(pk=product.pk).state == ProductImage.State.PROCESSING
    product_image_render(product_id=str(product.pk), version=second.version)
    versions = [p.name for p in (media_root / "products" / str(product.pk)).iterdir()]
    assert versions == [second.version]  # the first upload's files are gone
    product_image_render(product_id=str(product.pk), version=second.version)  # redelivered: nothing changes
    assert ProductImage.objects.get(pk=product.pk).renditions["thumb_512"]["height"] == 512


def test_a_job_that_cannot_render_says_why(make_product, media_root):
    product = make_product()
    image = product_image_upload(product=product, data=picture(100, 100, "PNG"))
    Path(media_root / image.original).write_bytes(b"overwritten by a disk fault")
    product_image_render(product_id=str(product.pk), version=image.version)
    image.refresh_from_db()
    assert image.state == ProductImage.State.FAILED
    assert "UnidentifiedImageError" in image.error
