"""Render: one validated version → its pages, diagrams and data files (SPEC §5).

`VersionRenderer.render` returns the files of `output/<version>/`: those rendered now, and
those of the last build that read nothing that has changed since (see reads.py), to
reuse. Links are relative everywhere, so a site works from any base_url and from plain
files; only 404.html, which is served from any depth, uses base_url.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar, cast

from markupsafe import Markup

from .. import __version__
from ..cache.digests import code_digest, digest
from ..cache.pages import KnownReads, PageRecord, PreviousPages, Read
from ..diagrams.graphviz import DiagramRenderer, dot_identity
from ..diagrams.layout import inline_svg
from ..diagrams.maps import VersionMaps, version_maps
from ..diff.format import field_label
from ..markdown.diff import texts_of
from ..markdown.render import MarkdownRenderer
from ..model.content import Perspective
from ..model.status import Status
from ..versions import VersionInfo
from ..write import FileData, TreeWriter, files_in
from .charts import trend_svg
from .data import (
    KEPT_BY_PROCESS,
    MadePerFile,
    SearchIndex,
    changes_json,
    scorecard_csv,
    script_assignment,
    strategy_json,
)
from .feed import CHANGES_FILE
from .reads import ReadLog, ReadResolver, TrackedView
from .routes import CHANGE_DETAILS, SECTIONS, Page, objective_path, page_table, team_path
from .source_links import source_link
from .theme import Theme
from .view import SiteInfo, VersionView


@dataclass
class RenderedVersion:
    written: list[str]  # rendered now, and written to the caller's `files` as they were
    titles: dict[str, str]  # HTML pages, relative to the version root (for the switcher): their titles
    reused: dict[str, str] = field(default_factory=dict)  # unchanged files of the last build
    records: dict[str, PageRecord] = field(default_factory=dict)  # what each file read
    words: dict[str, str] = field(default_factory=dict)  # each item's words in search.js
    known: KnownReads = field(default_factory=KnownReads)  # of the reads, for the next build


@dataclass
class DataFile:
    path: str
    make: Callable[[VersionView], str | list[str]]  # the text, or it in pieces


T = TypeVar("T")
U = TypeVar("U")

# Below this many pages a pool of processes costs more than it saves.
PARALLEL_FROM = 64
# (renderer, view, pages, where they go) while a pool renders: forked workers inherit it
# instead of receiving the view and the compiled templates through a pipe
_inherited_by_workers: tuple[VersionRenderer, VersionView, list[Page], Files] | None = None


class Files(Protocol):
    """Where a version's files go (write.TreeWriter, write.SiteFolder)."""

    def write(self, relpath: str, data: FileData) -> None: ...

    def write_in_worker(self, relpath: str, data: FileData) -> None: ...

    def written(self, relpath: str) -> None: ...


def _render_in_worker(index: int) -> list[Read]:
    """A page rendered and written by a worker, which sends back only what it read: its
    HTML (a team page is ~100 KB) crossing to the parent to be written there cost the
    parent a tenth of a cold build at 1,000 teams."""
    assert _inherited_by_workers is not None, "set before the pool forks"
    renderer, view, pages, files = _inherited_by_workers
    html, reads = renderer.render_page(view, pages[index])
    files.write_in_worker(pages[index].path, html)
    return reads


def paced_imap(function: Callable[[int], T], batches: Sequence[range], jobs: int) -> Iterator[T]:
    """function(i) for each i of each batch, in order, each batch run whole by one of
    `jobs` forked processes, with at most two batches per process handed out and not yet
    taken by the caller. A pool on its own asks for work as fast as its workers finish it
    and keeps every result until it is taken: when the caller fell behind (two workers
    and the caller on two cores), the results piled up in memory."""
    window = _Window(jobs * 2)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        try:
            for results in pool.imap(functools.partial(_each, function), window.paced(batches)):
                window.done()
                yield from results
        finally:
            window.close()  # before the pool ends, which waits for the thread handing out work


def _each(function: Callable[[int], T], batch: range) -> list[T]:
    return [function(index) for index in batch]


def _batches(pages: list[Page], size: int) -> list[range]:
    """Runs of up to `size` pages about one item each; a page about the whole organisation
    (no subject: the scorecard, the alignment map, a role) goes alone. What it reads grows
    with the organisation, and a batch comes back as one message."""
    batches: list[range] = []
    for index, page in enumerate(pages):
        last = batches[-1] if batches else None
        if last is not None and len(last) < size and page.subject is not None \
                and pages[last.start].subject is not None:
            batches[-1] = range(last.start, index + 1)
        else:
            batches.append(range(index, index + 1))
    return batches


class _Window:
    """At most `size` items handed out and not yet taken."""

    def __init__(self, size: int):
        self._free = threading.Semaphore(size)
        self._closed = False

    def paced(self, items: Iterable[U]) -> Iterator[U]:
        """Each item once there is room (read by the pool's task thread)."""
        for item in items:
            self._free.acquire()
            if self._closed:
                return
            yield item

    def done(self) -> None:
        self._free.release()

    def close(self) -> None:
        """Let a task thread that waits for room go: the caller stopped taking pages."""
        self._closed = True
        self._free.release()


class PageBases:
    """Each page's base (its version's, and its own place in the page table), digested
    again only when one of those changed. A process that builds again keeps one
    (`BASES_KEPT_BY_PROCESS`): digesting every page's place cost 15 ms of each serve
    rebuild at 3,000 teams."""

    def __init__(self) -> None:
        self._known: dict[tuple, str] = {}

    def of(self, version_base: str, pages: list[Page]) -> dict[str, str]:
        known, self._known = self._known, {}
        bases = {}
        for page in pages:
            key = (version_base, page.path, page.template, page.title, tuple(page.breadcrumbs))
            base = known.get(key)
            bases[page.path] = self._known[key] = digest(*key) if base is None else base
        return bases


BASES_KEPT_BY_PROCESS = PageBases()


class VersionRenderer:
    def __init__(self, theme: Theme, diagrams: DiagramRenderer, site: SiteInfo, jobs: int = 1,
                 remember_reads: bool = False):
        """`remember_reads`: note what each query and the maps read, for the next build of
        this process (serve) to redo only what an edit changed."""
        self.theme = theme
        self.diagrams = diagrams
        self.site = site
        self.jobs = jobs
        self.remember_reads = remember_reads
        self.markdown = MarkdownRenderer()

    def render(self, view: VersionView, files: Files,
               previous: PreviousPages | None = None) -> RenderedVersion:
        """Every file of the version, each written to `files` as soon as it is rendered
        (nothing holds every page's HTML at once); with `previous`, unchanged files are
        reused, not rendered."""
        resolver = ReadResolver(view, previous.known if previous else None, self.remember_reads)
        maps = self._maps(view, resolver)
        resolver.map_sources = maps.sources
        pages = page_table(view, maps)
        code = code_digest()[:16]  # an entry's words also depend on how our code finds them
        made = KEPT_BY_PROCESS if self.remember_reads else MadePerFile()
        search = SearchIndex(self.markdown, previous.words if previous else {},
                             lambda kind, key: f"{code}:{resolver.digest(('item', kind, key, '*'))}", made)
        data_files = [DataFile("strategy.json", functools.partial(strategy_json, made=made)),
                      DataFile("scorecard.csv", scorecard_csv),
                      DataFile("search.js", search.script), DataFile(CHANGES_FILE, changes_json)]
        # a page's base: its version's, and its own place in the page table
        kept_bases = BASES_KEPT_BY_PROCESS if self.remember_reads else PageBases()
        bases = kept_bases.of(self._version_base(view), pages)
        bases |= {data.path: digest(code_digest(), data.path, view.info.identity()) for data in data_files}
        result = RenderedVersion([], {page.path: page.title for page in pages})

        changed = resolver.changed()
        stale = previous.pages_reading(changed) if previous else None

        def reused(path: str) -> bool:
            existing = previous.reusable(path, bases[path], changed, stale) if previous else None
            if existing is not None and previous is not None:
                result.reused[path] = existing
                result.records[path] = previous.records[path]
            return existing is not None

        # one object per distinct read: pages share most of theirs, and a page rendered in
        # a worker sends back its own copy of each (thousands of pages, dozens of reads each)
        distinct: dict[Read, Read] = {}

        def rendered(path: str, text: FileData | None, reads: list[Read]) -> None:
            """`text` is None for a page a worker wrote."""
            if text is None:
                files.written(path)
            else:
                files.write(path, text)
            result.written.append(path)
            reads = [distinct.setdefault(read, read) for read in reads]
            for read in reads:
                resolver.digest(read)  # for the next build to compare with
            result.records[path] = PageRecord(bases[path], reads)

        to_render = [page for page in pages if not reused(page.path)]
        for page, (text, reads) in zip(to_render, self._render_pages(view, to_render, files), strict=True):
            rendered(page.path, text, reads)
        for data in data_files:
            if not reused(data.path):
                log = ReadLog()
                # a TrackedView reads like the view it tracks
                rendered(data.path, data.make(cast(VersionView, TrackedView(view, log))), sorted(log.reads))
        result.words = search.words if "search.js" in result.written else (previous.words if previous else {})
        result.known = resolver.known()
        files.write("pages.js", script_assignment("STRATMAP_PAGES", view.info.path, list(result.titles)))
        result.written.append("pages.js")
        return result

    def re_marked(self, info: VersionInfo, as_newest: Path, titles: dict[str, str],
                  tree: TreeWriter) -> dict[str, str] | None:
        """The files of a version that is no longer the newest, made from its files of when
        it was (`as_newest`, with its pages' `titles`): only each page's version note
        differs, so the note is swapped instead of every page rendered again. Returns the
        titles, or None when the theme shows a version's newness elsewhere or a page's note
        is not found once: then render (what was put in `tree` is the caller's to throw away)."""
        note = self.theme.version_note()
        if note is None:
            return None
        newest = dataclasses.replace(info, latest=True)
        for file, relpath in files_in(as_newest):
            title = titles.get(relpath)
            if title is None:
                if relpath.endswith(".html"):
                    return None
                tree.link_file(file, relpath)  # the data files do not say which version is the newest
                continue
            page = Page(relpath, "", title)  # its place and title: all the note reads of it
            before = str(note(self.site, newest, page, page.to_site))
            html = Path(file).read_text()
            if not before or html.count(before) != 1:
                return None
            tree.write(relpath, html.replace(before, str(note(self.site, info, page, page.to_site))))
        return titles

    def _maps(self, view: VersionView, resolver: ReadResolver) -> VersionMaps:
        """The version's maps: the last build's while nothing they read has changed (serve
        keeps them), else laid out, through a tracked view when what they read is kept."""
        identity = dot_identity() or ""
        kept = resolver.kept_maps(identity)
        if kept is not None:
            self.diagrams.kept(list(kept.sources.values()))
            return kept
        if not self.remember_reads:
            return version_maps(view, self.diagrams)
        log = ReadLog()
        maps = version_maps(cast(VersionView, TrackedView(view, log)), self.diagrams)
        resolver.keep_maps(log.reads, identity, maps)
        return maps

    def _version_base(self, view: VersionView) -> str:
        """What every page of a version depends on besides what it reads: the tool, the
        theme, Graphviz, the version and the site."""
        return digest(code_digest(), self.theme.key, dot_identity(), view.info.identity(),
                      self.site.title, self.site.base_url, self.site.built_on,
                      self.site.repository_prefix, view.info.latest)

    def _render_pages(self, view: VersionView, pages: list[Page],
                      files: Files) -> Iterator[tuple[str | None, list[Read]]]:
        """Render pages, in page order, one at a time as the caller takes them, each with
        what it read: its HTML for the caller to write, or None when it was written to
        `files` in a forked worker process. Workers render when there are many pages: they
        inherit the view and the compiled templates, and send back only what each page read."""
        if self.jobs <= 1 or len(pages) < PARALLEL_FROM or \
                "fork" not in multiprocessing.get_all_start_methods():
            for page in pages:
                yield self.render_page(view, page)
            return
        global _inherited_by_workers
        for template in {page.template for page in pages}:
            self.theme.environment.get_template(template)  # compile once, before forking
        if view.earlier:  # read once here, not in every worker that shows a change since it
            view.earlier[-1].model  # noqa: B018
        _inherited_by_workers = (self, view, pages, files)
        try:
            size = max(1, min(16, len(pages) // (self.jobs * 8)))
            for reads in paced_imap(_render_in_worker, _batches(pages, size), self.jobs):
                yield None, reads
        finally:
            _inherited_by_workers = None

    def render_page(self, view: VersionView, page: Page) -> tuple[str, list[Read]]:
        """One page's HTML, and everything it read of the version."""
        log = ReadLog()
        tracked = TrackedView(view, log)
        subject = tracked.item(page.subject[1]) if page.subject else None
        context = {page.subject[0]: subject} if page.subject else {}
        if page.extras is not None:
            context |= page.extras(tracked, subject)
        to_root = page.to_root

        def url(path: str) -> str:
            return to_root + path

        def markdown_text(text: str, item) -> Markup:
            """Markdown from `item`'s file (its body, a KPI's comment): links resolve from there."""
            return self.markdown.render(text, source_file=item.file, page_for=tracked.page_for,
                                        to_version_root=to_root)

        def markdown(item) -> Markup:
            return markdown_text(item.body, item)

        def markdown_change(change, item, inline: bool = False) -> Markup:
            """A word diff's old and new text as rendered Markdown, marked up as a change;
            links resolve from `item`'s file."""
            old, new = texts_of(change.segments)
            return self.markdown.render_change(old, new, inline=inline, source_file=item.file,
                                               page_for=tracked.page_for, to_version_root=to_root)

        def map_figure(svg: str, label: str) -> Markup:
            return Markup(inline_svg(svg, to_root, label))

        html = self.theme.render(
            page.template, page=page, view=tracked, model=tracked.model, site=self.site,
            version=view.info, url=url, to_site=page.to_site, markdown=markdown,
            markdown_text=markdown_text, markdown_change=markdown_change,
            inline=self.markdown.render_inline, map_figure=map_figure, sections=SECTIONS,
            Status=Status, Perspective=Perspective, trend_svg=trend_svg,
            objective_path=objective_path, team_path=team_path, details=CHANGE_DETAILS,
            field_label=field_label,
            source_link=functools.partial(source_link, tracked.model.settings,
                                          self.site.repository_prefix, view.info.tag),
            stratmap_version=__version__, **context)
        return html, sorted(log.reads)
