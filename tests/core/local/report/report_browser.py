"""A real headless Chromium (Debian's package) driven through chromedriver, for report tests.

The report is judged the way a person sees it: loaded by a browser, scripts run, SVG laid
out. Chromium and chromedriver come from the distribution (``apt-get install chromium
chromium-driver``); nothing is downloaded at test time. Selenium is told both paths, so its
own driver manager never runs. The flags keep Chromium from reaching for the network
(this machine has none) and from hanging on first-run chores.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("DRIFTPLANE_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("DRIFTPLANE_CHROMEDRIVER", "/usr/bin/chromedriver"))
INSTALL_COMMAND = "apt-get update && apt-get install -y chromium chromium-driver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def missing_browser() -> str | None:
    """Why the browser tests cannot run, with the command that fixes it; None when they can."""
    absent = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not absent:
        return None
    return (
        f"The report's browser tests need Chromium and chromedriver from Debian's packages, "
        f"but {' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} missing. Install them with:\n"
        f"    {INSTALL_COMMAND}\n"
        "(or point DRIFTPLANE_CHROMIUM and DRIFTPLANE_CHROMEDRIVER at another build)."
    )


class Browser:
    """One headless Chromium session: open pages, read console errors, run script, screenshot."""

    def __init__(self, width: int = 1280, height: int = 900, javascript: bool = True) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        os.environ.setdefault("SE_AVOID_STATS", "true")
        self._profile = tempfile.mkdtemp(prefix="driftplane-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self._profile}")
        options.add_argument(f"--window-size={width},{height}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        if not javascript:  # pages' own scripts off; the driver still inspects the page
            options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        self.driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        self.driver.set_page_load_timeout(60)

    def open(self, url: str) -> list[dict[str, Any]]:
        """Load a page and return what it logged to the console while loading."""
        self.console()  # drop what earlier pages logged
        self.driver.get(url)
        self.driver.execute_script("return document.readyState")
        return self.console()

    def console(self) -> list[dict[str, Any]]:
        """Console entries since the last call: level, message, source."""
        return list(self.driver.get_log("browser"))

    def run(self, script: str, *args: Any) -> Any:
        """Run JavaScript in the page and return its result."""
        return self.driver.execute_script(script, *args)

    def screenshot(self, path: Path, width: int = 1280, max_height: int = 6000) -> Path:
        """A PNG of the page from the top, as tall as the page (up to ``max_height`` pixels)."""
        height = int(self.run("return document.documentElement.scrollHeight"))
        self.driver.set_window_size(width, min(max(height, 600), max_height))
        self.driver.save_screenshot(str(path))
        return path

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)
