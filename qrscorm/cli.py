"""The ``qrscorm`` command: validate the course source and build packages."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from .errors import QrscormError

_COURSE = click.Path(file_okay=False, path_type=Path)


def _fail(err: Exception) -> click.ClickException:
    return click.ClickException(str(err))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qualityrights-course-kit")
def main() -> None:
    """Compile the QualityRights course source into SCORM, xAPI and cmi5 packages."""


@main.command()
@click.argument("course_dir", type=_COURSE, default="course_src")
def validate(course_dir: Path) -> None:
    """Check COURSE_DIR (default: course_src) and list every problem with its file and line."""
    from .source.loader import load_course

    try:
        course = load_course(course_dir)
    except QrscormError as err:
        raise _fail(err) from err
    click.echo(f"{course_dir}: {course.id} {course.version} is valid: {len(course.modules)} modules, "
               f"{len(course.available)} of {len(course.languages)} languages translated "
               f"({', '.join(course.available)})")
    if course.missing:
        click.echo(f"missing translations (not built): {', '.join(course.missing)}")


@main.command()
@click.option("--course", "course_dir", type=_COURSE, default="course_src", show_default=True,
              help="The course source folder.")
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default="dist", show_default=True,
              help="Where packages are written.")
@click.option("--lang", "langs", multiple=True, help="Build only this language (repeatable).")
@click.option("--format", "formats", multiple=True, help="Build only this format (repeatable): web, scorm12, "
              "scorm2004, xapi, cmi5.")
@click.option("--module", "modules", multiple=True, help="Build only this module's own packages (repeatable).")
@click.option("--light", is_flag=True, help="Also build light variants: video replaced by a still and its "
              "transcript, for low bandwidth.")
@click.option("--xsd-dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Copy the standard SCORM schema files from this folder into each SCORM package root.")
@click.option("--forward-lrs", default=None, help="SCORM packages also send xAPI statements to this LRS "
              "endpoint (e.g. https://lrs.example.org/xapi/).")
@click.option("--forward-key", default=None, help="The forward key (key:secret) SCORM packages use with "
              "--forward-lrs; it can only post this course's statements.")
@click.option("--record-survey-in-lms", is_flag=True, help="Also write attitude survey answers to the LMS "
              "(off by default: they are personal opinions).")
@click.option("--quiet", is_flag=True, help="No progress display.")
def build(course_dir: Path, dist: Path, langs: tuple[str, ...], formats: tuple[str, ...],
          modules: tuple[str, ...], light: bool, xsd_dir: str | None, forward_lrs: str | None,
          forward_key: str | None, record_survey_in_lms: bool, quiet: bool) -> None:
    """Build packages into dist/ (every translated language and format unless filtered)."""
    from .build import build as run_build
    from .builders import BuildOptions

    if bool(forward_lrs) != bool(forward_key):
        raise click.UsageError("--forward-lrs and --forward-key go together")
    options = BuildOptions(light=light, xsd_dir=xsd_dir, forward_lrs=forward_lrs, forward_key=forward_key,
                           record_survey_in_lms=record_survey_in_lms)
    console = Console(stderr=True, quiet=quiet)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                      transient=True) as bar:
            task = bar.add_task("building", total=None)

            def show(what: str, done: int, total: int) -> None:
                bar.update(task, description=what, completed=done, total=total)

            report = run_build(course_dir, dist, formats=list(formats) or None, langs=list(langs) or None,
                               modules=list(modules) or None, options=options, progress=show)
    except QrscormError as err:
        raise _fail(err) from err
    except OSError as err:
        raise click.ClickException(f"{err.filename or dist}: {err.strerror or err}") from err
    _print_report(report, dist)


def _print_report(report, dist: Path) -> None:  # type: ignore[no-untyped-def]
    table = Table(title=f"{report.course} {report.version}: {len(report.packages)} packages in {report.seconds}s")
    for column in ("package", "format", "shape", "SCOs", "size", "status"):
        table.add_column(column, justify="right" if column in ("SCOs", "size") else "left", overflow="fold")
    for p in report.packages:
        table.add_row(f"{dist}/{p.path}", p.format + (" light" if p.light else ""), p.shape, str(p.sco_count),
                      _human(p.size), p.status)
    Console().print(table)
    if report.missing_languages:
        click.echo(f"not built, no translation yet: {', '.join(report.missing_languages)}")
    click.echo(f"report: {dist}/build-report.json")


def _human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


@main.group()
def i18n() -> None:
    """Translation workflow: XLIFF 2.0 export and import, coverage status."""


@i18n.command("export")
@click.option("--lang", required=True, help="The target language (a code declared in course.yaml).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the XLIFF file (default: <course id>.<lang>.xlf).")
@click.option("--course", "course_dir", type=_COURSE, default="course_src", show_default=True)
def i18n_export(lang: str, out: Path | None, course_dir: Path) -> None:
    """Write every translatable unit, with any existing translation, to an XLIFF 2.0 file for LANG."""
    from .i18n.units import course_units, load_source
    from .i18n.xliff import write_xliff
    from .source.languages import PSEUDO_LANGUAGES

    try:
        course = load_source(course_dir)
        if lang not in course.languages or lang == course.source_language or lang in PSEUDO_LANGUAGES:
            raise click.UsageError(f"--lang must be a target language of the course (declared: "
                                   f"{', '.join(c for c in course.languages if c != course.source_language)})")
        work = course_units(course, lang)
        out = out or Path(f"{course.id}.{lang}.xlf")
        out.write_bytes(write_xliff(work))
    except QrscormError as err:
        raise _fail(err) from err
    except OSError as err:
        raise click.ClickException(f"{err.filename or out}: {err.strerror or err}") from err
    units = [unit for _, unit in work.units()]
    done = sum(unit.translated for unit in units)
    review = sum(1 for unit in units if unit.stale)
    click.echo(f"{out}: {len(units)} units for {lang}, {done} translated, {len(units) - done} to translate"
               + (f" ({review} existing translations need review)" if review else ""))


@i18n.command("import")
@click.argument("xliff_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--course", "course_dir", type=_COURSE, default="course_src", show_default=True)
@click.option("--include-initial", is_flag=True, help="Also import translations whose state is 'initial'.")
@click.option("--dry-run", is_flag=True, help="Check and report, but write nothing.")
@click.option("--verbose", is_flag=True, help="List every unit that was not imported.")
def i18n_import(xliff_file: Path, course_dir: Path, include_initial: bool, dry_run: bool, verbose: bool) -> None:
    """Check the translations in XLIFF_FILE and merge them into the course source."""
    from .i18n.merge import import_translation

    try:
        report = import_translation(course_dir, xliff_file, include_initial=include_initial, dry_run=dry_run)
    except QrscormError as err:
        raise _fail(err) from err
    for reason, lines in report.skipped.items():
        click.echo(f"{len(lines)} not imported: {reason}:")
        for line in lines if verbose else lines[:10]:
            click.echo(f"  {line}")
        if not verbose and len(lines) > 10:
            click.echo(f"  ... and {len(lines) - 10} more (--verbose lists them all)")
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{report.lang}: {report.imported} translations imported, {report.unchanged} unchanged; {verb} "
               f"{len(report.written)} files" + "".join(f"\n  {path}" for path in report.written))


@i18n.command("status")
@click.option("--course", "course_dir", type=_COURSE, default="course_src", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def i18n_status(course_dir: Path, as_json: bool) -> None:
    """Show every declared language (and the pseudo-locales) with its coverage per module."""
    from .i18n.status import course_status, status_table
    from .i18n.units import load_source

    try:
        report = course_status(load_source(course_dir))
    except QrscormError as err:
        raise _fail(err) from err
    if as_json:
        click.echo(report.to_json(), nl=False)
    else:
        Console(width=200).print(status_table(report))


if __name__ == "__main__":
    main()
