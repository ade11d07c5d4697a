"""Build: every published version → the site, written atomically.

The stages meet here: versions → check → render → write. Tagged versions never change,
so each is rendered once and kept in the cache folder under a key of everything its
pages depend on (its commit, the commits before it, the theme and the tool's version);
a later build links it into place instead of rendering it again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import KW_ONLY, dataclass, field, replace
from pathlib import Path

from .cache.digests import code_digest, theme_key
from .cache.layout import CacheLayout, compiled_templates
from .cache.pages import Manifest
from .cache.prune import remove_unused
from .cache.signing import machine_key
from .cache.stamp import KnownFiles, Stamp, inputs_digest
from .cache.standby import KnownTrees, StandbyStore
from .cache.tags import PublishedTagCopies
from .findings import Finding, error, printable, warning
from .findings.printers import VersionFindings
from .guard import ProtectedFolders, UntrustedCache, check_cache, check_output, output_folder, tracked_by_git
from .memory import return_to_the_collector, set_aside_from_the_collector
from .model.approval import PlanStamp
from .model.content import KpiValues, StrategyModel
from .model.convert import load_settings
from .model.settings import Settings
from .site.theme_folders import theme_folders
from .source.git import repository_of
from .source.parse_cache import ParseCache, parse_cache_for
from .source.trees import WorkingTree
from .validate import PreviousPlans, Validation, typed_model, validate
from .versions import SkippedTag, Version, VersionInfo, discover_all
from .write import SiteWriter, TreeWriter, recover_leftovers, write_atomically

# render, diagrams and their libraries (Jinja2, markdown-it, nh3, graphviz) are imported
# only when there is something to render: an up-to-date build never loads them.

class BuildFailed(Exception):
    """The content does not validate: nothing was written (exit code 1)."""

    def __init__(self, reports: list[VersionFindings]):
        super().__init__("the content does not validate")
        self.reports = reports


class UnknownVersion(Exception):
    """--only names no version: a usage problem (exit code 2)."""


@dataclass
class BuildOptions:
    root: Path
    _: KW_ONLY  # the rest by name: a new option must never shift another's place
    out: Path | None = None
    strict: bool = False
    jobs: int = os.cpu_count() or 1
    only: str | None = None
    force: bool = False  # build even when the inputs are those of the last build
    clean_out: bool = False  # the user allows replacing an output folder no build made
    # a process that builds again and again (serve) passes one, kept in memory between builds
    parse_cache: ParseCache | None = None
    # serve: work out and keep in memory what lets the next build redo only what an edit
    # changed (what each query and the maps read); a single build does without it
    serving: bool = False
    # serve: the content files' status, bytes and digests as last read, so that a rebuild
    # reads only the files that changed
    known_files: KnownFiles = field(default_factory=KnownFiles)
    progress: Callable[[str], None] = lambda message: None
    # called the moment the new site is in place, before what the next build needs of it
    # is recorded (serve reloads the browser then)
    site_in_place: Callable[[], None] = lambda: None


@dataclass
class VersionReport:
    """One version's validation. A tagged version's comes from the cache after its first
    build, and its model is then loaded only if a page needs it."""

    version: Version
    findings: list[Finding]
    ok: bool  # no errors
    required: bool  # a required version that fails fails the build; others are skipped
    kpis: KpiValues
    load_model: Callable[[], StrategyModel]
    plans: dict[str, PlanStamp] = field(default_factory=dict)  # for the version after it

    @property
    def label(self) -> str:
        return self.version.tag or ("draft " + self.version.name if self.version.draft
                                    else "working tree")

    def failed(self, strict: bool) -> bool:
        """--strict holds the working tree to its warnings; a tag's are history, which
        no commit can change any more."""
        return not self.ok or (strict and self.version.tag is None and bool(self.findings))

    def to_findings(self) -> VersionFindings:
        """All findings of a version that must validate; only the errors of one skipped."""
        shown = self.findings if self.required else [f for f in self.findings if f.is_error]
        return VersionFindings(self.label, shown, skipped=not self.required and self.failed(False))


@dataclass
class BuildResult:
    output: Path
    reports: list[VersionFindings]
    up_to_date: bool = False  # nothing changed since the last build: nothing was done
    pages: int = 0
    versions_rendered: int = 0
    versions_from_cache: int = 0
    # of the rendered: a version no longer the newest whose pages only had their note swapped
    versions_re_marked: int = 0
    versions_kept: int = 0  # --only: linked unchanged from the previous output
    pages_reused: int = 0  # unchanged pages of the working tree, linked from the last build
    rendered: list[str] = field(default_factory=list)  # the working tree's files rendered this build
    diagrams_rendered: int = 0
    diagrams_from_cache: int = 0
    seconds: float = 0.0
    # the site is in place, but what the next build needs to know of it could not be saved
    not_recorded: list[str] = field(default_factory=list)

    def count(self, pages: int, from_cache: bool) -> None:
        self.pages += pages
        if from_cache:
            self.versions_from_cache += 1
        else:
            self.versions_rendered += 1

    def summary(self) -> str:
        if self.up_to_date:
            versions = f"{self.versions_kept} version" + ("s" if self.versions_kept != 1 else "")
            return (f"up to date: nothing changed since the last build ({self.pages} pages in "
                    f"{versions}); {self.seconds:.2f} s → {self.output}")
        total = self.versions_rendered + self.versions_from_cache + self.versions_kept
        versions = f"{total} version" + ("s" if total != 1 else "")
        cached = f", {self.versions_from_cache} from cache" if self.versions_from_cache else ""
        cached += f", {self.versions_kept} kept as built" if self.versions_kept else ""
        cached += (f", {self.versions_re_marked} re-marked as earlier" if self.versions_re_marked else "")
        cached += f"; {self.pages_reused} pages unchanged" if self.pages_reused else ""
        line = (f"built {self.pages} pages in {versions}{cached}; diagrams: "
                f"{self.diagrams_rendered} rendered, {self.diagrams_from_cache} from cache; "
                f"{self.seconds:.2f} s → {self.output}")
        if self.not_recorded:
            line += ("\nthe new site is in place, but the record of it for the next build could "
                     f"not be saved ({'; '.join(self.not_recorded)}): the next build renders "
                     "everything again")
        return line


def site_settings(root: Path) -> Settings:
    settings, findings = load_settings(WorkingTree(root))
    if settings is None:
        raise BuildFailed([VersionFindings("working tree", findings)])
    return settings


def build_site(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    root = options.root
    settings = site_settings(root)
    cache = CacheLayout.of(root)
    output = output_folder(options.out or root / settings.output_dir)
    tracked = tracked_by_git(root, cache.root, output)
    try:
        check_cache(cache.root, tracked)
    except UntrustedCache as untrusted:
        raise BuildFailed([VersionFindings("working tree", [
            error("tracked-cache", str(untrusted), untrusted.relpath)])]) from None
    folders = theme_folders(settings.theme, root)
    repository = repository_of(root)
    check_output(output, ProtectedFolders(root, repository[0] if repository else None,
                                          root / settings.content_dir, cache.root,
                                          tuple(folders[:-1])),
                 built_here_before=cache.stamp(output).is_file(), clean_out=options.clean_out)
    with build_lock(cache, options.progress):
        recover_leftovers(output)  # first: even a build that fails puts the last good site back
        StandbyStore(cache, output).remove_leftovers()
        try:
            # a committed output is content like any other: its pages are never reused
            return _build_locked(options, settings, output, cache, folders, repository,
                                 output not in tracked, started)
        finally:
            return_to_the_collector()


def _build_locked(options: BuildOptions, settings: Settings, output: Path, cache: CacheLayout,
                  folders: list[Path], repository: tuple[Path, str] | None, reuse_output: bool,
                  started: float) -> BuildResult:
    root = options.root
    versions, skipped_tags = discover_all(root, settings.versions, repository)
    if options.only and options.only not in [v.name for v in versions]:
        raise UnknownVersion(f"no version `{options.only}`; the versions are "
                             f"{', '.join(v.name for v in versions)}")
    theme_digest = theme_key(folders)
    # the working tree's files, walked and read once for the stamp and, when it is published, the build
    working = next((v.tree for v in versions if isinstance(v.tree, WorkingTree)), None)
    inputs = inputs_digest(working or WorkingTree(root), settings, versions, theme_digest, output,
                           options.strict, options.known_files if options.serving else None)
    if options.only is None and not options.force and reuse_output:
        last = Stamp.load(cache.stamp(output))
        if last and last.inputs == inputs and (output / "versions.json").is_file():
            return BuildResult(output, last.reports, up_to_date=True, pages=last.pages,
                               versions_kept=last.versions, seconds=time.perf_counter() - started)
    from .diagrams.graphviz import DiagramRenderer
    from .site.data import build_date, site_root_files
    from .site.feed import atom_feed, feed_entries
    from .site.render import VersionRenderer
    from .site.theme import Theme
    from .site.view import EarlierVersion, SiteInfo

    # Only the working tree is parsed again and again, so only its files are kept between builds
    parsed = (options.parse_cache or parse_cache_for(root)) if any(not v.tag for v in versions) else None
    reports = _validate_all(versions, options, parsed, cache)
    set_aside_from_the_collector()  # the models and their files: they last until the end
    result = BuildResult(output, [*_skipped_tag_findings(skipped_tags), *(r.to_findings() for r in reports)])
    failed = any(r.required and r.failed(options.strict) for r in reports)
    if parsed is not None and (failed or not options.serving):
        # saved now, when only this build would keep it: not held while pages render
        parsed.save()
        parsed = None
    if failed:
        raise BuildFailed(result.reports)
    available = [r for r in reports if not r.failed(False)]
    skipped = [r.version for r in reports if r.failed(False)]
    latest = _latest(available)
    infos = {r.version: _info(r.version, r.version is latest, True) for r in available}
    infos |= {v: _info(v, False, False) for v in skipped}
    site = SiteInfo(settings.title, settings.base_url, tuple(infos[v] for v in versions), build_date(),
                    repository[1] if repository else "")
    theme = Theme(folders, theme_digest, compiled_templates(), settings.language)
    diagrams = DiagramRenderer(cache, options.jobs)
    renderer = VersionRenderer(theme, diagrams, site, options.jobs, remember_reads=options.serving)
    tag_copies = PublishedTagCopies(cache.published_tags(output), output, trust_last_output=reuse_output)
    store = StandbyStore(cache, output)
    keep_previous = reuse_output and store.usable()
    known = store.take() if keep_previous else KnownTrees(None, None)
    with SiteWriter(output, known.standby, store.home if keep_previous else None, known.output_mirrors) as writer:
        writer.after_commit(options.site_in_place)
        earlier: list[EarlierVersion] = []
        for report in available:
            info = infos[report.version]
            options.progress(f"rendering {info.name}")
            _write_version(writer, report, info, list(earlier), renderer, cache, tag_copies,
                           output / info.path if reuse_output else None, options, result)
            if report.version.tag:
                earlier.append(EarlierVersion(info, report.kpis, report.load_model, report.plans))
            if info.latest:
                writer.mirror(info.path, "latest")
        for relpath, text in site_root_files(site, theme).items():
            writer.write(relpath, text)
        writer.write("feed.xml", atom_feed(site.title, settings.title, settings.base_url,
                                           feed_entries(writer.staging, site.versions)))  # the new tree
        for relpath, path in theme.static_files().items():
            writer.write(f"assets/{relpath}", path.read_bytes())
        writer.after_commit(tag_copies.save)
        if keep_previous:
            writer.after_commit(lambda: store.keep(
                writer.previous, known.output_files, sorted(writer.files),
                sorted(path for path, differs in writer.files.items() if differs), writer.mirrors))
        writer.after_commit(lambda: Stamp(inputs, result.pages, len(available), result.reports)
                            .save(cache.stamp(output)))
        if parsed is not None:  # serve's, for the next process: after the reload (it grows with the repository)
            writer.after_commit(parsed.save)
        if options.only is None:  # every version asked for what it needs of the cache
            writer.after_commit(lambda: remove_unused(cache, diagrams.used))
    result.not_recorded = writer.not_recorded
    result.diagrams_rendered = diagrams.rendered
    result.diagrams_from_cache = diagrams.from_cache
    result.seconds = time.perf_counter() - started
    return result


@contextmanager
def build_lock(cache: CacheLayout, progress: Callable[[str], None]) -> Iterator[None]:
    """One build of a repository at a time: a second one waits for the first, since both
    would write the same cache and output."""
    cache.root.mkdir(parents=True, exist_ok=True)
    with open(cache.lock, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("")
            print("waiting for another build of this repository to finish…", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _validate_all(versions: list[Version], options: BuildOptions,
                  parsed: ParseCache | None, cache: CacheLayout) -> list[VersionReport]:
    """Each version's validation; `parsed` is the working tree's parse cache. A tag is
    validated once and its summary kept. Tags share a cache in memory for this build: a
    file unchanged from one quarter to the next is parsed once."""
    newest_tag = next((v for v in reversed(versions) if v.tag), None)
    # a new tag is mostly the files the working tree's last build parsed; what the checks
    # kept of those is not the tag's (another date), and what only a tag holds is not
    # worth keeping: a tag is validated once
    tags_parsed = ParseCache(reading=parsed)
    reports: list[VersionReport] = []
    for version in versions:
        options.progress(f"validating {version.name}")
        required = version.tag is None or version is newest_tag
        previous = _previous_plans(reports)
        # a tag's model, read again when a page needs it, is mostly the working tree's files
        reports.append(_validated_tag(version, required, cache, tags_parsed, parsed or tags_parsed,
                                      previous, reports[-1].version.commit if reports else None)
                       if version.tag else
                       _report(version, required, validate(version.tree, version.as_of, parsed, previous)))
    return reports


def _previous_plans(reports: list[VersionReport]) -> PreviousPlans:
    """The plans of the version before the next one, for the rule that compares two: the
    last one validated, when it did (kept in its report: no model is read again)."""
    before = reports[-1] if reports else None
    return lambda: before.plans if before and before.ok else {}


def _report(version: Version, required: bool, validation: Validation) -> VersionReport:
    model = validation.model

    def load_model() -> StrategyModel:
        assert model is not None, "only a version that validated is rendered"
        return model
    # a tag's KPI values and plan stamps are what the versions after it read of it; the
    # working tree is the last version, so nothing reads its own (thousands of teams' worth)
    kept = model if model is not None and version.tag else None
    return VersionReport(version, validation.findings, validation.ok, required,
                         kept.kpi_values() if kept else {}, load_model,
                         kept.plan_stamps() if kept else {})


# Tagged versions' models, read again from git when a page needs one (the change since the
# version before), kept for the rest of the process: a tag never changes, and `serve`
# would otherwise read the previous quarter's every file again on every edit.
_TAG_MODELS: dict[str, StrategyModel] = {}
TAG_MODELS_KEPT = 4


def _validated_tag(version: Version, required: bool, cache: CacheLayout, parsed: ParseCache,
                   parsed_for_model: ParseCache, previous: PreviousPlans,
                   previous_commit: str | None) -> VersionReport:
    """A tagged version never changes: validate it once and keep a small summary (findings,
    KPI values). Its model is read again from git only when a page needs it: the cache
    holds data, never objects to unpickle."""
    key = hashlib.sha256(f"{code_digest()}\0{version.commit}\0{version.as_of}\0"
                         f"{getattr(version.tree, 'prefix', '')}\0{previous_commit}".encode()).hexdigest()[:32]
    summary_path = cache.validated_tag(key)
    newest = required  # (of the tags, only the newest must validate)
    if newest:  # its parses are kept while it is: the next tag's build reads it again
        cache.tag_parses(key)

    def load_model() -> StrategyModel:
        model = _TAG_MODELS.get(key)
        if model is None:
            # its parses, kept from when it was validated as the newest tag
            kept = ParseCache(cache.tag_parses(key), machine_key(), reading=parsed_for_model)
            model = typed_model(version.tree, kept)
            assert model is not None, "a tag that validated once types again"
            _keep_tag_model(key, model)
        return model

    try:
        summary = json.loads(summary_path.read_text())
        return VersionReport(version, [Finding.from_dict(f) for f in summary["findings"]],
                             summary["ok"], required,
                             {series: tuple(values) for series, values in summary["kpis"].items()},
                             load_model, {slug: PlanStamp(*stamp) for slug, stamp in summary["plans"].items()})
    except (OSError, ValueError, KeyError, TypeError):
        pass
    validation = validate(version.tree, version.as_of, parsed, previous)
    if newest:
        parsed.save_last_parses(cache.tag_parses(key), machine_key())
    if validation.model is not None:
        _keep_tag_model(key, validation.model)
    report = _report(version, required, validation)
    write_atomically(summary_path, json.dumps({
        "ok": report.ok, "findings": [f.to_dict() for f in report.findings], "kpis": report.kpis,
        "plans": {slug: [stamp.digest, stamp.approved_on] for slug, stamp in report.plans.items()}}))
    return report


def _keep_tag_model(key: str, model: StrategyModel) -> None:
    _TAG_MODELS[key] = model
    while len(_TAG_MODELS) > TAG_MODELS_KEPT:
        del _TAG_MODELS[next(iter(_TAG_MODELS))]  # the one kept longest


def _skipped_tag_findings(skipped: list[SkippedTag]) -> list[VersionFindings]:
    if not skipped:
        return []
    return [VersionFindings("git tags", [
        warning("skipped-tag", f"tag `{printable(t.tag)}` is not published: {t.reason}",
                f"refs/tags/{printable(t.tag)}") for t in skipped])]


def _latest(available: list[VersionReport]) -> Version:
    tagged = [r.version for r in available if r.version.tag]
    return tagged[-1] if tagged else available[-1].version


def _info(version: Version, latest: bool, available: bool) -> VersionInfo:
    return VersionInfo(version.name, version.name if not version.draft else f"{version.name} (draft)",
                       version.path, version.date.isoformat() if version.date else None,
                       latest, version.draft, version.commit, version.tag, available)


def _write_version(writer: SiteWriter, report: VersionReport, info: VersionInfo, earlier: list,
                   renderer, cache: CacheLayout, tag_copies: PublishedTagCopies,
                   previous_output: Path | None, options: BuildOptions, result: BuildResult) -> None:
    """`previous_output`: this version's folder in the last build's output, when its pages
    may be reused."""
    from .site.view import VersionView

    if options.only and options.only != info.name and previous_output and previous_output.is_dir():
        writer.link_tree(previous_output, info.path)  # --only: the other versions stay as built
        tag_copies.kept(info.path)
        result.versions_kept += 1
        return
    if info.tag:  # immutable: rendered once into the cache, copied from there ever after
        key = _version_key(info, earlier, renderer)
        folder = cache.rendered_tag(key)
        rendered = _rendered_tag(folder)
        if rendered is not None:
            renderer.diagrams.keep(rendered.maps)
            result.count(len(rendered.titles), from_cache=True)
        else:
            with renderer.diagrams.recording() as maps:
                titles = _render_tag(folder, report, info, earlier, renderer, cache, result)
            # last: the record says the files are complete
            write_atomically(_record_file(folder), json.dumps({"titles": titles, "maps": sorted(maps)}))
            result.count(len(titles), from_cache=False)
        writer.copy_tree(folder, info.path, tag_copies.untouched(info.path, key))
        if writer.changed_under(info.path):
            tag_copies.wrote(info.path, key)
        else:
            tag_copies.kept(info.path)  # every file as the last build left it: its record holds
        return
    manifest = Manifest(cache.page_records(writer.output / info.path), writer.output / info.path)
    previous = manifest.load() if previous_output else None
    set_aside_from_the_collector()  # the last build's records: they last until the end
    rendered = renderer.render(VersionView(report.load_model(), info, earlier), writer.folder(info.path), previous)
    for relpath, existing in rendered.reused.items():
        writer.link_file(existing, f"{info.path}/{relpath}")
    result.count(len(rendered.titles), from_cache=False)
    result.rendered += [f"{info.path}/{relpath}" for relpath in rendered.written]
    result.pages_reused += len(rendered.reused.keys() & rendered.titles.keys())
    writer.after_commit(lambda: manifest.save(rendered.records, rendered.known, rendered.words,
                                              index_readers=options.serving))
    if options.serving:  # kept for the next build of this process, which looks reads up in it
        writer.after_commit(rendered.known.index_now)


def _render_tag(folder: Path, report: VersionReport, info: VersionInfo, earlier: list, renderer,
                cache: CacheLayout, result: BuildResult) -> dict[str, str]:
    """A tagged version's files into `folder` in the cache, and its pages' titles: made
    from its files of when it was the newest version where it can, else rendered."""
    from .site.view import VersionView

    as_newest = _as_newest(cache, info, earlier, renderer)
    titles = (renderer.re_marked(info, as_newest.folder, as_newest.titles, _empty_tree(folder))
              if as_newest else None)
    if as_newest and titles is not None:
        renderer.diagrams.keep(as_newest.maps)  # its pages show the maps they showed before
        result.versions_re_marked += 1
        return titles
    view = VersionView(report.load_model(), info, earlier)
    return renderer.render(view, _empty_tree(folder)).titles


def _empty_tree(folder: Path) -> TreeWriter:
    shutil.rmtree(folder, ignore_errors=True)
    return TreeWriter(folder)


@dataclass(frozen=True)
class RenderedTag:
    """A tag's rendered files in the cache, and the record beside them, written once they
    are complete: each page's title by path, and the maps its pages show (their keys)."""

    folder: Path
    titles: dict[str, str]
    maps: list[str]


def _record_file(folder: Path) -> Path:
    return folder.with_suffix(".pages")


def _rendered_tag(folder: Path) -> RenderedTag | None:
    """The record of a tag's rendered files, if they are complete."""
    try:
        record = json.loads(_record_file(folder).read_text())
    except (OSError, ValueError):
        return None
    titles, maps = (record.get("titles"), record.get("maps")) if isinstance(record, dict) else (None, None)
    if not (isinstance(titles, dict) and all(isinstance(t, str) for t in titles.values())
            and isinstance(maps, list) and all(isinstance(m, str) for m in maps)):
        return None
    return RenderedTag(folder, titles, maps)


def _as_newest(cache: CacheLayout, info: VersionInfo, earlier: list, renderer) -> RenderedTag | None:
    """A tagged version's complete files in the cache of when it was the newest, if it was."""
    if info.latest:
        return None
    return _rendered_tag(cache.rendered_tag(_version_key(replace(info, latest=True), earlier, renderer)))


def _version_key(info: VersionInfo, earlier: list, renderer) -> str:
    """Everything a tagged version's pages depend on: its commit, the versions before it,
    the tool, the theme, the site's title, and whether it is the newest (its pages say so).
    (Not the list of versions: the switcher reads that from the site's versions.js.)"""
    digest = hashlib.sha256()
    for part in (code_digest(), renderer.theme.key, renderer.site.title,
                 renderer.site.repository_prefix, str(info.latest), info.commit or "",
                 info.name, info.path,
                 *(e.info.commit or "" for e in earlier)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:32]
