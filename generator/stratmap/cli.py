"""The `stratmap` command: wires the stages together, and nothing else.

Exit codes (SPEC §4): 0 fine, 1 invalid content, 2 usage or environment error.
Heavy imports (Jinja2, markdown-it, graphviz) stay inside the commands that need them:
`validate` runs in pre-commit hooks and must start fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__

EXIT_INVALID = 1
EXIT_ENVIRONMENT = 2


class EnvironmentProblem(click.ClickException):
    """Something outside the content is wrong (a missing tool, a bad folder)."""

    exit_code = EXIT_ENVIRONMENT


def project_root(directory: str | None) -> Path:
    from .source.load import SETTINGS_FILE, find_project_root

    if directory is not None:
        root = Path(directory)
        if not root.is_dir():
            raise EnvironmentProblem(f"{directory}: no such folder")
        return root
    found = find_project_root(Path.cwd())
    if found is None:
        raise EnvironmentProblem(f"no {SETTINGS_FILE} in this folder or above it; pass the "
                                 "strategy folder, or create one with `stratmap init DIR`")
    return found


def parse_date(ctx, param, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


as_of_option = click.option(
    "--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD",
    help="Date that review deadlines are measured against (default: today).")
strict_option = click.option("--strict", is_flag=True, help="Treat the working tree's warnings "
                             "as errors (a tag's are history).")
dir_option = click.option("--dir", "directory", type=click.Path(file_okay=False),
                          help="The strategy folder (default: found upward from here).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stratmap")
def main() -> None:
    """Publish a sales strategy, kept as Markdown + YAML in git, as a static site."""
    from .memory import no_collection_at_exit

    no_collection_at_exit()


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@strict_option
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True, help="How findings are printed.")
@as_of_option
def validate(directory: str | None, strict: bool, output_format: str, as_of: dt.date) -> None:
    """Check the strategy in the working tree: every error and warning of the rules."""
    from .findings.printers import OUTCOME_FORMATS, Outcome
    from .source.git import repository_of
    from .source.parse_cache import cache_a_build_left
    from .source.trees import WorkingTree
    from .validate import newest_published_plans
    from .validate import validate as validate_tree

    root = project_root(directory)
    cache = cache_a_build_left(root)  # unchanged files are not parsed again, nor PyYAML loaded
    validation = validate_tree(WorkingTree(root), as_of, cache, newest_published_plans(root, cache))
    cache.save()
    # only annotations need the strategy's folder inside git: the other formats run no git
    repository = repository_of(root) if output_format == "github" else None
    outcome = Outcome(validation.findings, strict, validation.checks_skipped,
                      repository[1] if repository else "")
    click.echo(OUTCOME_FORMATS[output_format](outcome))
    if outcome.failed:
        sys.exit(EXIT_INVALID)


def _print_findings(reports) -> str:
    from .findings.printers import by_version

    text = by_version(reports)
    if text:
        click.echo(text, err=True)
    return text


def _run_build(options, on_failure: Callable[[str], None] = lambda findings: None) -> bool:
    """One build, its findings and summary printed; False when the content is invalid,
    after telling `on_failure` the findings. Environment problems (no Graphviz, a bad
    theme) raise EnvironmentProblem."""
    import os

    from .build import BuildFailed, UnknownVersion, build_site
    from .diagrams.graphviz import DiagramError
    from .guard import UnsafeOutput
    from .site.theme_folders import ThemeError
    from .source.git import GitError

    try:
        result = build_site(options)
    except BuildFailed as failed:
        options.progress("")
        findings = _print_findings(failed.reports)
        errors = any(f.is_error for report in failed.reports for f in report.findings)
        reason = "the content does not validate" if errors or not options.strict else \
            "failing because of the working tree's warnings (--strict)"
        verdict = f"build failed: {reason}; the previous output is untouched"
        click.echo(verdict, err=True)
        on_failure(f"{findings}\n{verdict}".strip())
        return False
    except UnknownVersion as problem:
        raise click.UsageError(str(problem)) from None
    except UnsafeOutput as problem:
        options.progress("")
        raise EnvironmentProblem(f"{problem}. Nothing was touched") from None
    except (DiagramError, ThemeError, GitError, OSError) as problem:
        options.progress("")
        raise EnvironmentProblem(f"{problem}; the previous output is untouched") from None
    except KeyboardInterrupt:
        options.progress("")
        raise EnvironmentProblem("interrupted; the previous output is untouched") from None
    except Exception as crash:  # a bug of ours: say so plainly, keep the site
        if os.environ.get("STRATMAP_DEBUG"):
            raise
        options.progress("")
        raise EnvironmentProblem(
            f"internal error: {type(crash).__name__}: {crash}; the previous output is untouched. "
            "Run again with STRATMAP_DEBUG=1 for the traceback, and please report it") from None
    options.progress("")
    _print_findings(result.reports)
    click.echo(result.summary())
    return True


def _progress_printer(quiet: bool):
    show = not quiet and sys.stderr.isatty()

    def progress(message: str) -> None:
        if show:
            click.echo(f"\r\033[K{message}{'…' if message else ''}", err=True, nl=False)
    return progress


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Output folder (default: output_dir of stratmap.yaml).")
@strict_option
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Parallel Graphviz processes (default: the number of CPUs).")
@click.option("--only", metavar="VERSION", help="Rebuild one version; keep the others as built.")
@click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
@click.option("--clean-out", is_flag=True,
              help="Replace the output folder even if no stratmap build made it (deletes what it holds).")
@click.option("--quiet", "-q", is_flag=True, help="No progress, only problems and the summary.")
def build(directory: str | None, out_dir: str | None, strict: bool, jobs: int | None,
          only: str | None, force: bool, clean_out: bool, quiet: bool) -> None:
    """Build the site: every published version, its maps, scorecard and plans."""
    import os

    from .build import BuildOptions
    from .memory import return_large_blocks_to_the_system

    return_large_blocks_to_the_system()
    options = BuildOptions(project_root(directory), out=Path(out_dir) if out_dir else None,
                           strict=strict, jobs=jobs or os.cpu_count() or 1, only=only, force=force,
                           clean_out=clean_out, progress=_progress_printer(quiet))
    if not _run_build(options):
        sys.exit(EXIT_INVALID)


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default is reachable from this machine only).")
def serve(directory: str | None, port: int, host: str) -> None:
    """Build, serve on localhost, rebuild on every change and reload the browser."""
    import contextlib
    import dataclasses
    import threading

    from .build import BuildOptions, build_site, site_settings
    from .memory import return_large_blocks_to_the_system
    from .serve import BuildCounter, draft_path, make_server, settle_memory, watch_and_rebuild
    from .site.theme_folders import theme_folders
    from .source.git import git_folder
    from .source.parse_cache import parse_cache_for

    return_large_blocks_to_the_system()
    root = project_root(directory)
    # parsed files stay in memory between rebuilds: a rebuild reads only what changed
    options = BuildOptions(root, progress=_progress_printer(False), parse_cache=parse_cache_for(root),
                           serving=True)
    if not _run_build(options):
        sys.exit(EXIT_INVALID)
    settle_memory()
    settings = site_settings(root)
    output = root / settings.output_dir
    counter = BuildCounter()
    try:
        server = make_server(output, host, port, counter)
    except OSError as problem:
        raise EnvironmentProblem(f"cannot listen on {host}:{port}: {problem.strerror}") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://{host}:{server.server_address[1]}/"
    draft = draft_path(output)
    opens = f" (it opens the draft {draft}/, the working tree you edit)" if draft else ""
    click.echo(f"serving {output} at {address}{opens} — Ctrl-C to stop", err=True)
    watched = [root / "stratmap.yaml", root / settings.content_dir,
               *[f for f in theme_folders(settings.theme, root) if root in f.parents]]

    reloaded = threading.Event()  # this rebuild's site is in place and the browser told

    def site_in_place() -> None:
        counter.bump()
        counter.wait_until_told(timeout=0.05)  # the reload first, the build's bookkeeping after
        reloaded.set()
    options.site_in_place = site_in_place

    def rebuild() -> bool:
        reloaded.clear()
        try:
            ok = _run_build(options, on_failure=counter.failed)
        except click.ClickException as problem:  # keep serving the last good site
            click.echo(f"error: {problem.format_message()}", err=True)
            counter.failed(problem.format_message())
            return False
        if ok and not reloaded.is_set():  # up to date: nothing new, but a failure is over
            counter.bump()
        settle_memory()
        return ok

    def make_standby() -> None:
        """The same site once more, while nobody waits: it leaves the tree it replaces as
        the standby that every later rebuild updates in place. Otherwise the first edit
        would make it, and wait seconds for it at thousands of teams."""
        with contextlib.suppress(Exception):  # the next rebuild meets the same problem, and says so
            build_site(dataclasses.replace(options, force=True, site_in_place=lambda: None,
                                           progress=lambda message: None))
        settle_memory()

    stop = threading.Event()
    try:
        watch_and_rebuild(watched, git_folder(root), rebuild, counter, stop, lambda m: click.echo(m, err=True),
                          prepare=make_standby)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        counter.close()  # ends the browsers' event streams
        server.shutdown()
    click.echo("stopped", err=True)


@main.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@dir_option
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True)
def diff_command(old: str | None, new: str | None, directory: str | None, output_format: str) -> None:
    """What changed from OLD to NEW (version names, tags, branches or commits).

    NEW defaults to the working tree, OLD to the newest published version."""
    from .build import BuildFailed, site_settings
    from .diff.compute import StrategyDiff, diff_models, introduced_findings
    from .diff.format import DIFF_FORMATS
    from .findings.printers import findings_as_text
    from .source.git import GitError
    from .source.trees import WorkingTree
    from .validate import validate as validate_tree
    from .versions import Version, newest_published, resolve_ref

    root = project_root(directory)
    try:
        settings = site_settings(root)
        old_version = resolve_ref(root, old, settings.versions) if old else \
            newest_published(root, settings.versions)
        new_version = resolve_ref(root, new, settings.versions) if new else \
            Version("working tree", "working-tree", None, WorkingTree(root))
    except BuildFailed as failed:
        _print_findings(failed.reports)
        sys.exit(EXIT_INVALID)
    except GitError as problem:
        raise EnvironmentProblem(str(problem)) from None
    old_validation = validate_tree(old_version.tree, old_version.as_of) if old_version else None
    if old_validation is not None and old_validation.model is None:
        click.echo(f"== {old_version.name if old_version else ''} does not validate", err=True)
        click.echo(findings_as_text(old_validation.errors()), err=True)
        sys.exit(EXIT_INVALID)
    old_model = old_validation.model if old_validation else None
    new_validation = validate_tree(new_version.tree, new_version.as_of,
                                   previous=lambda: old_model.plan_stamps() if old_model else {})
    introduced = introduced_findings(old_validation.findings if old_validation else [],
                                     new_validation.findings)
    if new_validation.model is None:  # still say what is wrong, in the format asked for
        result = StrategyDiff(old=old_version.name if old_version else None, new=new_version.name,
                              findings=introduced)
        click.echo(DIFF_FORMATS[output_format](result))
        sys.exit(EXIT_INVALID)
    result = diff_models(old_model, new_validation.model, old_version.name if old_version else None,
                         new_version.name)
    result.findings = introduced
    click.echo(DIFF_FORMATS[output_format](result))


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write one <kind>.schema.json per file kind here (default: print them).")
def schema(out_dir: str | None) -> None:
    """JSON Schema for stratmap.yaml and each kind of front matter, for editors."""
    import json

    from .schema import dump, schemas

    generated = schemas()
    if out_dir is None:
        click.echo(json.dumps(generated, indent=2))
        return
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in generated.items():
        (folder / name).write_text(dump(document), encoding="utf-8")
        click.echo(f"wrote {folder / name}")


@main.command()
@click.argument("kind", type=click.Choice(["objective", "team", "guidance"]))
@click.argument("name")
@dir_option
def new(kind: str, name: str, directory: str | None) -> None:
    """Write a valid KIND file named NAME to fill in (never overwrites)."""
    import re

    from .model.types import ID_PATTERN
    from .scaffold import FOLDERS, new_file_text, write_new
    from .source.load import MAX_ID_LENGTH, SLUG, content_dir_of
    from .source.trees import WorkingTree

    pattern = re.compile(ID_PATTERN) if kind == "objective" else SLUG
    if not pattern.fullmatch(name) or len(name) > MAX_ID_LENGTH:
        rule = "an id: a letter, then letters, digits, - or _" if kind == "objective" \
            else "a slug: lower-case letters, digits and hyphens"
        raise click.UsageError(f"{name!r} is not {rule}, at most {MAX_ID_LENGTH} characters")
    root = project_root(directory)
    content_dir = content_dir_of(WorkingTree(root))
    path = root / content_dir / FOLDERS[kind] / f"{name}.md"
    try:
        write_new(path, new_file_text(kind, name, dt.date.today(),
                                      path.parent.relative_to(root).as_posix()))
    except FileExistsError:
        raise EnvironmentProblem(f"{path} already exists; not overwriting it") from None
    click.echo(f"wrote {path}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create a new strategy repository in DIRECTORY that validates and builds."""
    from .scaffold import starter_repository, write_new

    root = Path(directory)
    files = starter_repository(dt.date.today())
    clashes = [name for name in files if (root / name).exists()]
    if clashes:
        raise EnvironmentProblem(f"{root / clashes[0]} already exists; choose an empty folder")
    for name, text in files.items():
        write_new(root / name, text)
    click.echo(f"created a strategy in {root}; next: cd {root} && stratmap validate")


@main.command()
@click.argument("team")
@click.option("--by", "approver", required=True, metavar="NAME", help="Who approves the plan.")
@click.option("--on", "approved_on", callback=parse_date, metavar="YYYY-MM-DD",
              help="The date of the approval (default: today).")
@dir_option
def approve(team: str, approver: str, approved_on: dt.date, directory: str | None) -> None:
    """Record that NAME approved TEAM's plan as it stands now (with its digest).

    The plan shows as changed since approval as soon as its priorities, changes or
    stop-doing differ from what was approved."""
    from .approve import ApprovalFailed
    from .approve import approve as approve_plan
    from .source.frontmatter import LoadError
    from .source.roundtrip import NotRoundTrippable

    root = project_root(directory)
    try:
        approval = approve_plan(root, team, approver, approved_on)
    except ApprovalFailed as failed:
        click.echo(f"error: {failed}; nothing was written", err=True)
        sys.exit(EXIT_INVALID)
    except (LoadError, NotRoundTrippable) as problem:
        message = problem.finding.message if isinstance(problem, LoadError) else str(problem)
        click.echo(f"error: {message}; nothing was written", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(approval.summary())


@main.group()
def kpi() -> None:
    """KPI actuals."""


@kpi.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--date", "default_date", callback=parse_date, metavar="YYYY-MM-DD",
              help="The date of rows without a `date` column (default: today).")
@click.option("--columns", metavar="COLUMN=HEADER,...",
              help="Your export's headers for objective, kpi, value, date, team, comment, "
                   "e.g. 'objective=Objective ID,kpi=Metric,value=Value,date=As of'.")
@click.option("--delimiter", default=",", show_default=True, type=click.Choice([",", ";", "tab"]),
              help="The character between columns.")
@click.option("--dry-run", is_flag=True, help="Print the changes it would make; write nothing.")
@dir_option
def import_command(csv_file: str, default_date: dt.date, columns: str | None, delimiter: str,
                   dry_run: bool, directory: str | None) -> None:
    """Set KPI actuals from a CSV export: all rows or none, every other byte kept."""
    from .kpi_import import ImportFailed, import_kpis, parse_columns

    root = project_root(directory)
    try:
        plan = import_kpis(root, Path(csv_file), parse_columns(columns), default_date,
                           "\t" if delimiter == "tab" else delimiter, dry_run)
    except ImportFailed as failed:
        for problem in failed.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo("nothing was written", err=True)
        sys.exit(EXIT_INVALID)
    for update in plan.updates:
        click.echo(update.summary())
    if dry_run:
        click.echo(plan.diff(), nl=False)
        click.echo(f"dry run: {_count(len(plan.texts), 'file')} would change; nothing was written")
    else:
        click.echo(f"{_count(len(plan.updates), 'KPI actual')} set in {_count(len(plan.texts), 'file')}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


if __name__ == "__main__":  # pragma: no cover
    main()
