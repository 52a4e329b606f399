"""Template context every service's pages share (admin, browsable API)."""

from django.conf import settings


def shop(request) -> dict:
    return {"shop_service": settings.SERVICE_NAME, "shop_services": settings.SHOP_SERVICES}
