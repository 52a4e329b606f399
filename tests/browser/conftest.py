"""Browser tests: Debian's chromium, driven by Playwright, through the gateway.

No browser is downloaded: Playwright launches /usr/bin/chromium (installed by `up`). Every
page a test opens records its console errors, failed requests and error responses; a test
fails if any appears that it did not expect. A failed test leaves a screenshot of each of its
pages in var/test-results/.
"""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from ..support import GATEWAY_URL, VAR, register_and_login, secret

CHROMIUM = "/usr/bin/chromium"
# Flags for a closed network and a root user (see the machine notes): no sandbox, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = VAR / "test-results"


@dataclass
class PageProblems:
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[tuple[int, str]] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def unexpected(self) -> list[str]:
        problems = [f"request failed: {r}" for r in self.failed_requests]
        problems += [f"{s} {u}" for s, u in self.error_responses if s not in self.expected_statuses]
        for message in self.console_errors:
            # Chromium reports each error response on the console too: already judged above.
            status = re.search(r"status of (\d{3})", message)
            if not (status and int(status.group(1)) in self.expected_statuses):
                problems.append(f"console: {message}")
        return problems


class WatchedPage:
    """A page plus what went wrong on it. `expect_status(403)` before opening a page that is
    meant to refuse."""

    def __init__(self, page: Page):
        self.page = page
        self.problems = PageProblems()
        page.on("console", lambda m: m.type == "error" and self.problems.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.problems.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", lambda r: r.status >= 400 and self.problems.error_responses.append((r.status, r.url)))

    def _request_failed(self, request) -> None:
        # ERR_ABORTED: the browser itself cancelled the request, as it does with a page's
        # pending calls when it navigates away. Not a failure of the system.
        if request.failure != "net::ERR_ABORTED":
            self.problems.failed_requests.append(f"{request.url} {request.failure}")

    def expect_status(self, *statuses: int) -> None:
        self.problems.expected_statuses.update(statuses)

    def __getattr__(self, name):
        return getattr(self.page, name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def new_context(browser: Browser) -> BrowserContext:
    # The gateway's certificate is signed by the development CA, which this Chromium does not know.
    context = browser.new_context(
        base_url=GATEWAY_URL, ignore_https_errors=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    return context


def sign_in(page, email: str, password: str, *, start: str = "/") -> None:
    page.goto(start)
    page.wait_for_url(re.compile(r"/auth/login/"))
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def open_page(request):
    """Opens watched pages in a context; checks them and, on failure, screenshots them."""
    pages: list[WatchedPage] = []

    def opener(context: BrowserContext) -> WatchedPage:
        page = WatchedPage(context.new_page())
        pages.append(page)
        return page

    yield opener
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    problems = []
    for index, page in enumerate(pages):
        if failed and not page.is_closed():
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{index}.png"), full_page=True)
        problems += page.problems.unexpected()
        if not page.is_closed():
            page.close()
    if not failed:
        assert not problems, problems


@pytest.fixture(scope="module")
def staff_context(browser):
    """One signed-in staff browser for a module (its cookies renew as a real browser's do)."""
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, "admin@shop.local", secret("DEMO_ADMIN_PASSWORD"))
    assert page.url == f"{GATEWAY_URL}/", page.url
    page.close()
    yield context
    context.close()


@pytest.fixture
def customer(gateway):
    return register_and_login(gateway)


@pytest.fixture
def customer_context(browser, customer):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, customer.email, customer.password)
    page.close()
    yield context
    context.close()
