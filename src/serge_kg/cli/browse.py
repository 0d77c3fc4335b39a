"""``serge-kg search`` (find a record id by name) and ``serge-kg site`` (write the static site)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from serge_kg.namespaces import BASE
from serge_kg.pipeline.build import load_graphs, load_ontology
from serge_kg.query.render import RESULT_FORMATS, render_rows

from .common import EXIT_CODES, handle_errors, progress_printer, project_paths


@click.command("search", epilog="Examples:\n\n  serge-kg search kibalchich\n\n  serge-kg search precigne --format csv\n\n"
               "  serge-kg query evidence-for --param entity=$(serge-kg search 'arrest 1933' --ids | head -1)\n\n"
               + EXIT_CODES)
@click.argument("text", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@click.option("--ids", is_flag=True, help="Print only the ids, one per line (for scripts).")
@click.option("--limit", type=int, default=50, show_default=True)
@click.pass_context
@handle_errors
def search_cmd(ctx: click.Context, text: tuple[str, ...], fmt: str, ids: bool, limit: int) -> None:
    """Find records by name, other name (any script, accents optional), id or description.

    Prints id, kind and label, best match first: the id is what `--param entity=...` wants.
    Nothing found exits 1 and names the nearest records.
    """
    from serge_kg.web.catalog import Catalog
    from serge_kg.web.search import SearchIndex

    paths = project_paths(ctx)
    asserted, _ = load_graphs(paths, progress=progress_printer(True))
    index = SearchIndex(Catalog(asserted, load_ontology(paths)))
    query = " ".join(text)
    hits = index.search(query, limit=limit)
    if not hits:
        near = index.suggest(query)
        hint = f"; did you mean: {', '.join(f'{e.rid} ({e.label})' for e in near)}?" if near else ""
        click.echo(f"no record matches '{query}'{hint}", err=True)
        ctx.exit(1)
    if ids:
        click.echo("\n".join(h.entry.rid for h in hits))
        return
    rows: list[list[object]] = [[h.entry.rid, h.entry.kind, h.entry.type_label, h.entry.label] for h in hits]
    click.echo(render_rows(["id", "kind", "type", "label"], rows, fmt, max_width=70), nl=False)


@click.command("site", epilog="Example: serge-kg site -o public/ && python3 -m http.server -d public\n\n" + EXIT_CODES)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write (created, or replaced whole if it holds a site written before).")
@click.option("--base-url", default=BASE, show_default=True, help="Where the site will be published (sitemap.xml).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
@click.pass_context
@handle_errors
def site_cmd(ctx: click.Context, output: Path, base_url: str, quiet: bool) -> None:
    """Write the static site: every page with relative links, data files beside each entity, sitemap, search."""
    from serge_kg.web.site import write_site

    start = time.perf_counter()
    report = write_site(project_paths(ctx), output, base_url=base_url, progress=progress_printer(quiet))
    click.echo(f"wrote {report.pages} pages ({report.entities} entities, {report.queries_answered} query answers) "
               f"and {report.data_files} data files to {report.folder}/ in {time.perf_counter() - start:.1f} s")
    click.echo(f"open {report.folder / 'index.html'}, or serve it: python3 -m http.server -d {output}")
