"""Where a browser goes after signing in: the page it asked for when that page is on this
site and open to the user, otherwise home. Never back to the sign-in page itself, so that no
combination of user and URL can send a browser round in a loop."""

import unicodedata
from urllib.parse import unquote

from django.utils.http import url_has_allowed_host_and_scheme

HOME = "/"
# Pages only staff may open: sending anyone else there would end on a refusal.
STAFF_ONLY_PREFIXES = ("/flower/", "/dashboard/")
NEVER_NEXT = ("/auth/login/", "/auth/logout/")


def requested_next(request) -> str:
    """The `next` the browser brought. The gateway appends the requested URI unencoded
    (`?next=/api/x/?a=1&b=2`), so when the query starts with `next=` all of it is the target."""
    if request.method == "POST":
        return request.POST.get("next", "")
    query = request.META.get("QUERY_STRING", "")
    if query.startswith("next="):
        return unquote(query[len("next=") :])
    return request.GET.get("next", "")


def _staff_only(path: str, services) -> bool:
    return path.startswith(STAFF_ONLY_PREFIXES) or any(path.startswith(f"/{name}/admin/") for name in services)


def landing(request, *, target: str, is_staff: bool, services) -> str:
    if any(unicodedata.category(char).startswith("C") for char in target):
        return HOME  # control characters (a decoded CR/LF, say) never reach a Location header
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=True
    ):
        return HOME
    if not target.startswith("/") or target.startswith(NEVER_NEXT):
        return HOME
    if _staff_only(target, services) and not is_staff:
        return HOME
    return target
