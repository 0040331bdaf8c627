"""The one Chromium the product drives (leaflets, browser tests, page-speed audit), and how it is started.

Debian's package (`scripts/ensure-chromium` installs it); Playwright's own browser download is never used.
The flags keep it offline: it never talks to Google's services and never downloads anything."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
