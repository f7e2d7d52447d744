"""End-to-end: ``abm viz`` served locally and driven in a real headless Chromium.

These tests load the page the way a user does, so they catch what the headless
render tests cannot: missing front-end assets (offline), JavaScript errors, panels
that never reach the screen, and sessions that share one model.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from abm.viz.panels import FIGURE_CLASSES

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 60_000
STEP_TIMEOUT_MS = 20_000


def test_chromium_is_installed(chromium_check: Any) -> None:
    """Debian's Chromium is present and runs; under CI=true its absence is a failure.

    (The fixtures behind the other browser tests do the same, but a fixture failure is
    reported as an error; this makes it an unmistakable failed test.)
    """
    path = chromium_check()
    version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60,
                             check=True)
    assert "Chromium" in version.stdout, version.stdout


@dataclass
class PageLog:
    """What a page did besides rendering: JavaScript errors and its network traffic."""

    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # requests leaving the app's server
    failed: list[str] = field(default_factory=list)  # app requests answered with >= 400

    def assert_clean(self) -> None:
        """No page errors, nothing fetched from elsewhere (offline), no missing files."""
        assert self.errors == [], f"JavaScript errors on the page: {self.errors}"
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        assert self.failed == [], f"failed requests: {self.failed}"


def open_app(page: Page, url: str) -> PageLog:
    """Load the app, wait for the controls, and log errors and traffic from the start."""
    log = PageLog()
    page.on("pageerror", lambda exc: log.errors.append(str(exc)))

    def on_request(request: Any) -> None:
        if not request.url.startswith((url, "data:", f"blob:{url}")):
            log.foreign.append(request.url)

    def on_response(response: Any) -> None:
        if response.status >= 400:
            log.failed.append(f"{response.status} {response.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Step", exact=True).wait_for(state="visible",
                                                                 timeout=LOAD_TIMEOUT_MS)
    return log


def counter(page: Page, n: int) -> Any:
    """Locator of the sidebar's step counter showing exactly `n`."""
    return page.get_by_text(f"Step: {n}", exact=True)


def read_counter(page: Page) -> int:
    """The number the sidebar's step counter shows now."""
    text = page.get_by_text(re.compile(r"^Step: \d+$")).inner_text()
    return int(text.split(":")[1])


def step(page: Page, times: int, start: int) -> None:
    """Click Step `times` times, each time waiting for the counter to move on."""
    button = page.get_by_role("button", name="Step", exact=True)
    for k in range(start + 1, start + times + 1):
        button.click()
        expect(counter(page, k)).to_be_visible(timeout=STEP_TIMEOUT_MS)


def assert_panels_rendered(page: Page, tab: int) -> None:
    """Every figure panel of a tab is a decoded image of non-trivial size on screen."""
    for css in FIGURE_CLASSES[tab]:
        image = page.locator(f"img.{css}")
        expect(image).to_have_count(1, timeout=STEP_TIMEOUT_MS)
        expect(image).to_be_visible()
        natural = image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
        assert natural[0] and natural[1] >= 300 and natural[2] >= 200, (css, natural)
        # the panel's image element is replaced when a redraw lands, so a box read just
        # then is None: read it again until it is laid out (within the step timeout)
        box = None
        for _ in range(STEP_TIMEOUT_MS // 100):
            box = image.bounding_box()
            if box is not None:
                break
            page.wait_for_timeout(100)
        assert box is not None and box["width"] >= 250 and box["height"] >= 150, (css, box)


def test_step_plots_slider_reset_in_chromium(page: Page, viz_server: Any, tmp_path: Any) -> None:
    """Load, Step x3, every panel drawn, Play/Pause, change ξ, Reset to 0; no page
    errors, and nothing requested from anywhere but the local server (offline)."""
    assert "http://127.0.0.1:" in viz_server.log.read_text(), "server must bind 127.0.0.1"
    log = open_app(page, viz_server.url)
    expect(counter(page, 0)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    assert_panels_rendered(page, 0)
    before = page.locator("img.abm-panel-gini").get_attribute("src")

    step(page, 3, start=0)
    expect(page.locator(".abm-panel-regime")).to_contain_text("simulated so far (year 3, one seed)")
    assert_panels_rendered(page, 0)
    expect(page.locator("img.abm-panel-gini")).not_to_have_attribute("src", before or "")
    page.screenshot(path=str(tmp_path / "abm-viz-page0-year3.png"), full_page=True)

    page.get_by_role("tab", name="Page 1").click()
    assert_panels_rendered(page, 1)
    page.screenshot(path=str(tmp_path / "abm-viz-page1-year3.png"), full_page=True)
    page.get_by_role("tab", name="Page 0").click()
    expect(page.locator("img.abm-panel-gini")).to_be_visible(timeout=STEP_TIMEOUT_MS)

    # Play runs on its own until paused; then the counter stands still
    page.get_by_role("button", name="▶", exact=True).click()
    page.wait_for_function(
        "() => +(document.body.innerText.match(/Step: (\\d+)/) || [0, 0])[1] >= 5",
        timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="❚❚", exact=True).click()
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    page.wait_for_timeout(1000)  # a step already under way when pausing may still land
    paused = read_counter(page)
    page.wait_for_timeout(1500)
    assert read_counter(page) == paused >= 5

    # ξ slider to its maximum with the keyboard, then Reset builds a new economy with it
    xi = page.get_by_role("slider", name="ξ rent sharing")
    expect(xi).to_have_attribute("aria-valuenow", re.compile(r"^0\.1$"))
    xi.focus()
    xi.press("End")
    expect(xi).to_have_attribute("aria-valuenow", "1")
    expect(page.locator(".abm-panel-regime")).to_contain_text("ξ = 0.10")  # not yet applied
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(counter(page, 0)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".abm-panel-regime")).to_contain_text("ξ = 1.00", timeout=STEP_TIMEOUT_MS)
    assert_panels_rendered(page, 0)

    page.wait_for_timeout(500)  # let the last images paint before the screenshot
    shot = tmp_path / "abm-viz-after-reset.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    log.assert_clean()


def test_two_sessions_do_not_share_a_model(browser: Browser, viz_server: Any,
                                           browser_context_args: dict[str, Any]) -> None:
    """Stepping in one session leaves another at its own step; a new one starts at 0."""
    contexts = [browser.new_context(**browser_context_args) for _ in range(2)]
    try:
        first, second = (c.new_page() for c in contexts)
        logs = [open_app(first, viz_server.url), open_app(second, viz_server.url)]
        expect(counter(first, 0)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
        expect(counter(second, 0)).to_be_visible(timeout=LOAD_TIMEOUT_MS)

        step(first, 2, start=0)
        expect(counter(second, 0)).to_be_visible()
        step(second, 1, start=0)
        expect(counter(first, 2)).to_be_visible()

        # a third page opened after the others stepped starts from a fresh model
        third = contexts[0].new_page()
        logs.append(open_app(third, viz_server.url))
        expect(counter(third, 0)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
        expect(counter(first, 2)).to_be_visible()
        for log in logs:
            log.assert_clean()
    finally:
        for context in contexts:
            context.close()
