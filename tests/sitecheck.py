"""Reading a built site the way a browser would: every link, script and image."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"href", "src", "xlink:href", "action"}


@dataclass
class Element:
    tag: str
    attributes: dict[str, str]


class ParsedPage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> ParsedPage:
    page = ParsedPage()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def local_target(page: Path, url: str) -> Path | None:
    """The file a relative link on `page` points to (None for fragments and external)."""
    if not url or url.startswith("#") or is_external(url):
        return None
    path = unquote(urlsplit(url).path)
    target = (page.parent / path).resolve()
    return target / "index.html" if url.endswith("/") or target.is_dir() else target


def broken_links(site: Path) -> list[str]:
    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue  # it links by base_url, checked on its own
        for element in parse(page).elements:
            for attribute in LINK_ATTRIBUTES & element.attributes.keys():
                target = local_target(page, element.attributes[attribute])
                if target is not None and not target.is_file():
                    broken.append(f"{page.relative_to(site)}: {attribute}={element.attributes[attribute]}")
    return broken
