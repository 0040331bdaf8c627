"""What the published site lets a browser do: the Content-Security-Policy and the other security headers.

The content policy keeps script out of what editors write; this is the second wall, in the reader's
browser. Every page carries the policy as a <meta http-equiv> tag (GitHub Pages cannot send
headers), placed right after <meta charset> so that it covers everything that follows:

- scripts only from the site itself, and the theme's inline scripts by their SHA-256 hash (they
  differ between pages: Material writes each page's path into one of them), never 'unsafe-inline';
- styles, fonts, images (and the theme's data: icons), the search index and the search worker only
  from the site itself; nothing else may be loaded at all (default-src 'none');
- no <base> that points elsewhere, no plugins, and no form that submits anywhere.

A <meta> policy cannot say who may frame the page (frame-ancestors is ignored there), so hosts that
read a `_headers` file (Netlify, Cloudflare Pages) get the same policy as a header, with
frame-ancestors 'none' and every inline-script hash of the site (one header serves every page; a
browser enforces both policies, so each page stays limited to its own scripts by its meta tag).

The referrer policy is no-referrer: a page's address names a health condition, and a reader who
follows a link to another site should not tell it which page, or even which site, they came from.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

REFERRER_POLICY = "no-referrer"
# Everything the theme needs, and nothing more.
_DIRECTIVES = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # data: for the theme's icons, which its stylesheet holds inline
    "font-src": "'self'",
    "connect-src": "'self'",  # the search index
    "worker-src": "'self'",  # the search worker
    "manifest-src": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
    "form-action": "'none'",  # the search box never submits: its script answers in the page
}
# Features no page of the library uses: a page can never ask for them, whatever script ran.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)
HTML_CACHE = "public, max-age=0, must-revalidate"  # pages change when they are corrected or reviewed
HASHED_ASSET_CACHE = "public, max-age=31536000, immutable"  # a new version gets a new name

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SOURCE = re.compile(r"\bsrc\s*=", re.I)
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
_CHARSET = re.compile(r"<meta charset=[\"']?utf-8[\"']?\s*/?>", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_POLICY_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_SCRIPT_HASH = re.compile(r"'sha256-[A-Za-z0-9+/=]+'")
# Material's hashed file names: bundle.a5f9d56c.min.js, main.57a0d79d.min.css and their source maps.
_HASHED_NAME = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?$")


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources ('sha256-...') for the inline scripts a browser would run, in the order they appear.

    Data blocks (JSON-LD, the theme's JSON configuration) are never run, so they need no hash.
    """
    hashes: list[str] = []
    for match in _SCRIPT.finditer(html):
        attributes, text = match.groups()
        kind = _SCRIPT_TYPE.search(attributes)
        if _SOURCE.search(attributes) or (kind.group(1).lower() if kind else "") not in _EXECUTABLE_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def content_security_policy(script_hashes: Iterable[str], *, header: bool = False) -> str:
    directives = dict(_DIRECTIVES)
    directives["script-src"] = " ".join(["'self'", *script_hashes])
    if header:
        directives["frame-ancestors"] = "'none'"  # ignored in a <meta> policy
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def policy_tags(script_hashes: Iterable[str]) -> str:
    policy = content_security_policy(script_hashes)
    return (
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        f'<meta name="referrer" content="{REFERRER_POLICY}">'
    )


def add_policy(html: str, script_hashes: Iterable[str]) -> str:
    """The page with its policy tags right after <meta charset> (or at the start of <head>)."""
    tags = policy_tags(script_hashes)
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        return tags + "\n" + html
    return html[: anchor.end()] + "\n" + tags + html[anchor.end() :]


def site_script_hashes(site_dir: Path) -> list[str]:
    """Every script hash the site's pages allow, read back from their policy tags (at the top of each page)."""
    found: set[str] = set()
    for page in site_dir.rglob("*.html"):
        with page.open(encoding="utf-8", errors="replace") as stream:
            top = stream.read(8192)
        match = _POLICY_META.search(top)
        if match:
            found.update(_SCRIPT_HASH.findall(match.group(1)))
    return sorted(found)


def headers_file(site_dir: Path, page_urls: Iterable[str]) -> str:
    """A `_headers` file (Netlify, Cloudflare Pages): the security headers for every path, a long cache
    lifetime for the theme's files whose names carry a hash of their content, and none for the pages.

    Rules never overlap in a header they set (hosts merge the values of overlapping rules), so the
    security headers go on /* and each cache lifetime on paths of its own kind.
    """
    policy = content_security_policy(site_script_hashes(site_dir), header=True)
    lines = [
        "# Written by the build: the site's security headers, for hosts that read this file",
        "# (Netlify, Cloudflare Pages). Every page also carries the policy in a <meta> tag.",
        "/*",
        f"  Content-Security-Policy: {policy}",
        "  X-Content-Type-Options: nosniff",
        f"  Referrer-Policy: {REFERRER_POLICY}",
        f"  Permissions-Policy: {PERMISSIONS_POLICY}",
        "  Cross-Origin-Opener-Policy: same-origin",
        "  X-Frame-Options: DENY",
    ]
    assets = sorted(
        f"/{path.relative_to(site_dir).as_posix()}"
        for path in site_dir.rglob("*")
        if path.is_file() and _HASHED_NAME.search(path.name)
    )
    asset_folders = {asset.split("/")[1] for asset in assets}
    pages = {"/", "/404.html"}
    for url in page_urls:
        folder, slash, _ = url.partition("/")
        if not slash:
            pages.add(f"/{url}")  # a page at the top of the site: "" (the home page) or contact.html
        elif folder not in asset_folders:
            pages.add(f"/{folder}/*")
    for path in sorted(pages):
        lines += [path, f"  Cache-Control: {HTML_CACHE}"]
    for asset in assets:
        lines += [asset, f"  Cache-Control: {HASHED_ASSET_CACHE}"]
    return "\n".join(lines) + "\n"
