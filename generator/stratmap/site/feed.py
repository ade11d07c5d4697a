"""feed.xml: an Atom feed (RFC 4287) with one entry per published version, newest first,
so readers learn when a quarter is published and what changed in it."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..versions import VersionInfo

ATOM = "http://www.w3.org/2005/Atom"
CHANGES_FILE = "changes.json"  # each version's summary of its changes, which the feed reads


@dataclass(frozen=True)
class FeedEntry:
    version: VersionInfo
    summary: str


def feed_entries(site_folder: Path, versions: tuple[VersionInfo, ...]) -> list[FeedEntry]:
    """The published (tagged, available) versions with their changes summaries, as the
    build wrote them into `site_folder`."""
    entries = []
    for version in versions:
        if not version.tag or not version.available:
            continue
        try:
            summary = json.loads((site_folder / version.path / CHANGES_FILE).read_text())["summary"]
        except (OSError, ValueError, KeyError):
            summary = ""
        entries.append(FeedEntry(version, summary))
    return sorted(entries, key=lambda e: (e.version.date or "", e.version.name), reverse=True)


def atom_feed(title: str, author: str, base_url: str, entries: list[FeedEntry]) -> str:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}base": base_url})
    feed_id = uuid.uuid5(uuid.NAMESPACE_URL, f"stratmap:{title}:{base_url}")
    _text(feed, "id", f"urn:uuid:{feed_id}")
    _text(feed, "title", title)
    _text(feed, "updated", _timestamp(entries[0].version.date if entries else None))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": "feed.xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": "latest/index.html"})
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", author)
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        version = entry.version
        _text(item, "id", f"urn:uuid:{uuid.uuid5(feed_id, version.commit or version.name)}")
        _text(item, "title", f"{title}: {version.title} published")
        _text(item, "updated", _timestamp(version.date))
        ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{version.path}/changes/index.html"})
        _text(item, "summary", entry.summary or f"{version.title} was published.")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = text


def _timestamp(date: str | None) -> str:
    return f"{date or '1970-01-01'}T00:00:00Z"
