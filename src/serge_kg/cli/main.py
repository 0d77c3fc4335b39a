"""The ``serge-kg`` command: one sub-command per pipeline stage. The only module that prints and exits.

Exit codes: 0 ok; 1 the data does not conform (SHACL or a violation query); 2 input or tool error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

# Only light modules at the top: each command imports what it needs when it runs, so that `serge-kg
# build` on unchanged inputs, `--help` and `--version` do not pay for loading rdflib, pyshacl and owlrl.
from serge_kg.errors import NonConformingError
from serge_kg.formats import CITATION_FORMATS, DATE_STYLES, ENGINES, FORMATS, REASONERS, RESULT_FORMATS
from serge_kg.web.serving import DEFAULT_MAX_ROWS

from .common import EXIT_CODES, SuggestingChoice, echo_err, handle_errors, progress_printer, project_paths
from .lazy import LazyGroup

SUBCOMMANDS = {"link": "serge_kg.cli.link:link", "search": "serge_kg.cli.browse:search_cmd",
               "site": "serge_kg.cli.browse:site_cmd"}


@click.group(cls=LazyGroup, lazy_subcommands=SUBCOMMANDS, epilog=EXIT_CODES)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (holding data/, ontology/, queries/). Default: found from the current folder.")
@click.version_option(package_name="serge-kg")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """serge-kg: a linked-data knowledge graph of Victor Serge (1890-1947).

    Builds RDF from the curated records in data/, reasons with OWL-RL, validates with SHACL, and
    answers saved SPARQL queries. Start with `serge-kg build`, then `serge-kg queries`.
    """
    # resolved by each command (project_paths), so --help works anywhere and a wrong --root is
    # reported like any other input error
    ctx.obj = {"root": root}


@main.command("build", epilog="Example: serge-kg build\n\n" + EXIT_CODES)
@click.option("--no-reason", is_flag=True, help="Skip the OWL-RL closure (faster; no inferred triples).")
@click.option("--reasoner", type=SuggestingChoice(REASONERS), default=REASONERS[0], show_default=True,
              help="OWL 2 RL reasoner: reasonable (Rust, fast) or owlrl (pure Python, the reference); "
                   "both infer the same triples, so an up-to-date build/ is not redone for another "
                   "reasoner (use --force).")
@click.option("--force", is_flag=True, help="Build even if build/ was built from exactly the current inputs.")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress lines and no statistics: only what was written and whether it conforms.")
@click.pass_context
@handle_errors
def build_cmd(ctx: click.Context, no_reason: bool, reasoner: str, force: bool, quiet: bool) -> None:
    """Load, convert, reason, validate and write every export to build/, then print a report.

    If build/ holds an intact build of exactly the current inputs (data/, ontology/, queries/ and this
    version of serge-kg, by content), it says so and does nothing; --force builds anyway.
    """
    from serge_kg.pipeline.fingerprint import unchanged_generation

    paths = project_paths(ctx)
    if not force and (generation := unchanged_generation(paths, reason=not no_reason)):
        click.echo(f"build/ is up to date: generation {generation} was built from exactly these inputs "
                   "(data/, ontology/, queries/, serge-kg version); nothing to do (--force rebuilds)")
        return
    from serge_kg.pipeline.build import build

    result = build(paths, reason=not no_reason, validate=True, write=True, progress=progress_printer(quiet),
                   reasoner=reasoner)
    report = result.report
    assert report is not None
    if not quiet:
        _echo_statistics(result)
    gap = "" if quiet else "\n"  # a blank line after the statistics
    if report.conforms:
        click.echo(f"{gap}wrote {len(result.outputs)} files to {paths.build}/ (one generation, see manifest.json)")
    else:
        echo_err(f"{gap}nothing built: wrote only the violation report {result.outputs[0]}; the last build in "
                 f"{paths.build}/ is unchanged")
    _report_validation(report)


def _echo_statistics(result: Any) -> None:
    """The records, triples, instances per class and seconds per stage of a finished build."""
    click.echo(f"records: {len(result.dataset.records)}   asserted triples: {len(result.asserted)}   "
               f"inferred triples: {len(result.inferred)}")
    click.echo("\ninstances per class:")
    for cls, n in result.class_counts().items():
        click.echo(f"  {cls:<26}{n:>6}")
    click.echo("\ntime per stage (s):")
    for stage, secs in result.timings.items():
        click.echo(f"  {stage:<26}{secs:>6.2f}")
    click.echo(f"  {'total':<26}{sum(result.timings.values()):>6.2f}")


def _report_validation(report: Any) -> None:
    if report.conforms:
        click.echo(f"validation: conforms (SHACL + {report.checks_run} check queries)")
        return
    echo_err(f"validation: DOES NOT CONFORM, {len(report.violations)} violation(s):")
    for line in report.violations:
        echo_err(f"  {line}")
    sys.exit(NonConformingError.exit_code)


@main.command("validate", epilog="Example: serge-kg validate\n\n" + EXIT_CODES)
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
@click.pass_context
@handle_errors
def validate_cmd(ctx: click.Context, quiet: bool) -> None:
    """Check the records, SHACL shapes and violation queries without writing anything."""
    from serge_kg.pipeline.build import build

    result = build(project_paths(ctx), reason=True, validate=True, write=False, progress=progress_printer(quiet))
    _report_validation(result.report)


@main.command("queries", epilog="Example: serge-kg queries")
@click.pass_context
@handle_errors
def queries_cmd(ctx: click.Context) -> None:
    """List the saved queries with their summaries and parameters."""
    from serge_kg.query.saved import list_queries

    for q in list_queries(project_paths(ctx).queries):
        params = " ".join(f"--param {p.name}=<{p.type}>" + (f" (default {p.default})" if p.default else "")
                          for p in q.params)
        click.echo(f"{q.name:<34} {q.summary}" + (f"\n{'':<34} {params}" if params else ""))


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{item}' is not key=value", param_hint="--param")
        out[key.strip()] = value.strip()
    return out


@main.command("query", epilog="Examples:\n\n  serge-kg query life-timeline\n\n"
              "  serge-kg query evidence-for --param entity=arrest-1933 --format markdown\n\n"
              "  serge-kg query my-query.rq --format csv --asserted-only\n\n"
              "The default graph is the asserted + inferred triples, as on the endpoint and in a published "
              "store; FROM <https://w3id.org/serge-kg/graph/asserted> or GRAPH name either part.\n\n" + EXIT_CODES)
@click.argument("name_or_file")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a declared parameter (repeatable). IRIs may be given as a record id, e.g. victor-serge.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@click.option("--asserted-only", is_flag=True,
              help="Query the asserted triples alone (default: asserted + OWL-RL inferred, as everywhere else).")
@click.option("--inferred", is_flag=True, hidden=True,
              help="Accepted for old scripts: the inferred triples are now always in the default graph.")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="oxigraph (default) is fast; rdflib is the reference engine. Both give the same answers. "
              "Default: the query header's `engine`, else oxigraph.")
@click.option("--limit", type=int, default=None, help="Show at most this many rows.")
@click.option("--dates", type=click.Choice(DATE_STYLES), default="words", show_default=True,
              help="In table and markdown output, dates in words (\"late 1927 or early 1928\") or as EDTF. "
              "csv, tsv and json always keep EDTF.")
@click.pass_context
@handle_errors
def query_cmd(ctx: click.Context, name_or_file: str, params: tuple[str, ...], fmt: str, asserted_only: bool,
              inferred: bool, engine: str | None, limit: int | None, dates: str) -> None:
    """Run a saved query by NAME (see `serge-kg queries`) or a .rq FILE, and print its answer.

    The query runs as written: it declares its own PREFIX lines, as on any other triple store.
    """
    from serge_kg.pipeline.answer import answer
    from serge_kg.query.render import render

    got = answer(project_paths(ctx), name_or_file, _parse_params(params), engine=engine, asserted_only=asserted_only,
                 progress=progress_printer(True))
    result = got.result
    if result.graph is not None:
        click.echo(result.graph.serialize(format="turtle"))
        return
    if limit is not None:
        result.rows = result.rows[:limit]
    click.echo(render(result, fmt, got.namespace_manager, dates=dates), nl=False)


@main.command("stats", epilog="Examples:\n\n  serge-kg stats\n\n  serge-kg stats --format markdown\n\n" + EXIT_CODES)
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@click.pass_context
@handle_errors
def stats_cmd(ctx: click.Context, fmt: str) -> None:
    """Counts per kind, source and class; shares with evidence and citation; uncertain dates; disagreements.

    "cited" is the share of records whose evidence carries a footnote; "cited_of_wikipedia" the same
    among records quoting the Wikipedia article (the MIA index has no footnotes to cite).
    """
    from serge_kg.pipeline.build import build
    from serge_kg.query.render import render_rows
    from serge_kg.reports.stats import compute

    paths = project_paths(ctx)
    result = build(paths, reason=True, validate=False, write=False, progress=progress_printer(True))
    for title, columns, rows in compute(result.dataset, result.asserted, result.inferred).tables():
        if fmt in ("table", "markdown"):
            click.echo(f"\n{'## ' if fmt == 'markdown' else ''}{title}\n")
        click.echo(render_rows(columns, rows, fmt, max_width=70), nl=False)


@main.command("coverage", epilog="Examples:\n\n  serge-kg coverage\n\n"
              "  serge-kg coverage --list --uncovered --source wikipedia\n\n"
              "  serge-kg coverage -o coverage.csv        (or .md for Markdown)\n\n" + EXIT_CODES)
@click.option("--source", type=click.Choice(["wikipedia", "mia"]), default=None, help="Only this source.")
@click.option("--list", "show_list", is_flag=True, help="Print every sentence with the records that quote it.")
@click.option("--uncovered", is_flag=True, help="With --list or -o: only sentences no record quotes (the to-do list).")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the sentence list to this file (CSV, or Markdown for .md), atomically.")
@click.pass_context
@handle_errors
def coverage_cmd(ctx: click.Context, source: str | None, show_list: bool, uncovered: bool, fmt: str,
                 output: Path | None) -> None:
    """How much of each source the records quote, sentence by sentence.

    Splits the article (lead, infobox, sections, the English-works list) and the MIA index (each listed
    writing, prose paragraphs) into sentences, and finds for each the records whose evidence quotes fall
    in it. Prints the covered share per source and section, and what the split leaves out.
    """
    from serge_kg.pipeline.export import write_atomic
    from serge_kg.pipeline.records import load_dataset
    from serge_kg.query.render import render_rows
    from serge_kg.reports.coverage import EXCLUDED, coverage, shares

    units = [u for u in coverage(load_dataset(project_paths(ctx).data)) if source in (None, u.source)]
    share_rows = [[s.source, s.section, s.units, s.covered, f"{s.percent:.1f}%"] for s in shares(units)]
    listed = [u for u in units if not (uncovered and u.covered)]
    columns = ["source", "section", "line", "covered", "records", "sentence"]
    rows: list[list[object]] = [[u.source, u.section, u.line, "yes" if u.covered else "no",
                                 " ".join(u.records), u.text] for u in listed]
    if output:
        out_fmt = "markdown" if output.suffix.lower() in (".md", ".markdown") else "csv"
        write_atomic(output, render_rows(columns, rows, out_fmt, max_width=10_000).encode())
        click.echo(f"wrote {len(rows)} sentences to {output}", err=True)
    if show_list:
        click.echo(render_rows(columns, rows, fmt, max_width=90), nl=False)
        return
    click.echo(render_rows(["source", "section", "sentences", "covered", "share"], share_rows, fmt), nl=False)
    if fmt in ("table", "markdown"):
        click.echo("\nleft out of the split:")
        for src, parts in EXCLUDED.items():
            if source in (None, src):
                for part in parts:
                    click.echo(f"  {src}: {part}")
        todo = sum(not u.covered for u in units)
        click.echo(f"\n{todo} sentence(s) quoted by no record; see them with --list --uncovered")


@main.command("export", epilog="Examples:\n\n  serge-kg export --format turtle -o serge.ttl\n\n"
              "  serge-kg export --format jsonld --inferred > serge.jsonld\n\n"
              "  serge-kg export --format quickstatements -o serge.qs\n\n"
              "  serge-kg export --format bibtex -o serge.bib      (import into Zotero: File > Import)\n\n"
              "  serge-kg export --format csl-json -o serge.json\n\n" + EXIT_CODES)
@click.option("--format", "fmt", type=SuggestingChoice([*FORMATS, "quickstatements", *CITATION_FORMATS]),
              default="turtle", show_default=True, help="An RDF syntax; quickstatements: our sourced facts about "
              "Wikidata-linked entities as QuickStatements V1 lines with S854 references; bibtex or csl-json: "
              "Serge's works with their translations and editions (translator, publisher, place, year, ISBN) "
              "for reference managers such as Zotero.")
@click.option("--inferred", is_flag=True, help="Include the OWL-RL inferred triples (TriG/N-Quads: as a second named graph).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.pass_context
@handle_errors
def export_cmd(ctx: click.Context, fmt: str, inferred: bool, output: Path | None) -> None:
    """Serialise the graph (asserted triples, or with --inferred also the inferred ones), or the bibliography."""
    from serge_kg.pipeline.bibliography import collect, graph_runner
    from serge_kg.pipeline.build import load_graphs
    from serge_kg.pipeline.citations import citation_file
    from serge_kg.pipeline.export import load_context, serialize, write_atomic
    from serge_kg.wikidata.quickstatements import quickstatements

    paths = project_paths(ctx)
    citations = fmt in CITATION_FORMATS  # the bibliography's view queries ask the default graph: both parts
    asserted, extra = load_graphs(paths, inferred=citations or (inferred and fmt != "quickstatements"),
                                  progress=progress_printer(True))
    if fmt == "quickstatements":
        data = quickstatements(asserted, paths.queries)
    elif citations:
        data = citation_file(fmt, collect(graph_runner(paths.queries, asserted, extra)))
    else:
        data = serialize(fmt, asserted, extra if inferred else None, load_context(paths.context))
    if output:
        write_atomic(output, data)
        click.echo(f"wrote {output} ({len(data)} bytes)", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command("serve", epilog="Example: serge-kg serve --port 8000, then open http://127.0.0.1:8000/\n\n"
              "  curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%203'\n\n"
              + EXIT_CODES)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Per-query time limit in seconds.")
@click.option("--max-rows", type=int, default=DEFAULT_MAX_ROWS, show_default=True,
              help="Result cap (rows, or triples for CONSTRUCT), above the size of the whole graph; longer "
              "results are cut, flagged X-Result-Truncated: true, noted on HTML pages and logged.")
@click.option("--base-url", default=None,
              help="Public base URL for links (default: pages link relative to the site, RDF descriptions "
              "name https://w3id.org/serge-kg/; never the request's Host).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Query worker processes started at once.")
@click.option("--max-workers", type=click.IntRange(1, 256), default=12, show_default=True,
              help="Queries that may run at once (the pool grows to this).")
@click.option("--queue", type=click.IntRange(0, 10000), default=32, show_default=True,
              help="Queries that may wait for a worker; more are answered 503 with Retry-After.")
@click.option("--memory-limit", type=click.IntRange(256, 1 << 20), default=1024, show_default=True,
              help="Address-space cap of one query worker, in MB.")
@click.option("--max-query-bytes", type=click.IntRange(1024, 1 << 30), default=64 * 1024, show_default=True,
              help="Longest query (or POST body) accepted; longer ones get 413.")
@click.option("--cache-mb", type=click.IntRange(1, 1 << 16), default=64, show_default=True,
              help="Memory for the result cache of /sparql and /queries/NAME answers (LRU; answers are kept for "
              "the build generation served, with an ETag naming it, and revalidated with 304).")
@click.option("--no-cache", is_flag=True, help="Run every query, keep no answers (no ETag, no 304).")
@click.pass_context
@handle_errors
def serve_cmd(ctx: click.Context, host: str, port: int, timeout: float, max_rows: int, base_url: str | None,
              workers: int, max_workers: int, queue: int, memory_limit: int, max_query_bytes: int, cache_mb: int,
              no_cache: bool) -> None:
    """Serve a read-only SPARQL 1.1 endpoint (/sparql) and linked-data pages (/id/...) over HTTP.

    Every query runs in a worker process that is killed at the time limit, capped in memory and
    replaced if it crashes. A port already in use is exit code 2, with a message saying so.
    """
    from serge_kg.web.pool import Limits, spawn_workers
    from serge_kg.web.serving import bind
    sock = bind(host, port)  # before loading the graph: a busy port fails at once
    # the query workers start first: their interpreters start up while this one imports the web app
    spawned = spawn_workers(workers)
    try:
        import logging

        import uvicorn

        from serge_kg.web.app import create_app
        limits = Limits(timeout=timeout, memory_mb=memory_limit, workers=workers,
                        max_workers=max(workers, max_workers), queue=queue)
        app = create_app(project_paths(ctx), base_url=base_url, timeout=timeout, max_rows=max_rows, limits=limits,
                         max_query_bytes=max_query_bytes, cache_mb=0 if no_cache else cache_mb, spawned=spawned)
    except BaseException:
        for worker in spawned:
            worker.kill()
        raise
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    click.echo(f"serving on http://{host}:{port}/  (SPARQL: /sparql, Ctrl-C to stop)", err=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


@main.command("publish", epilog="Examples:\n\n"
              "  serge-kg publish --endpoint http://127.0.0.1:7878/store --union-default-graph\n\n"
              "  serge-kg publish --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba\n\n" + EXIT_CODES)
@click.option("--endpoint", required=True, help="SPARQL 1.1 Graph Store Protocol URL of the target store.")
@click.option("--union-default-graph", is_flag=True,
              help="Also put asserted + inferred into the store's default graph, for stores whose default graph "
              "is not the union of the named graphs (oxigraph serve without --union-default-graph, Fuseki).")
@click.option("--user", envvar="SERGE_KG_USER", default=None, help="User name (or env SERGE_KG_USER).")
@click.option("--password", envvar="SERGE_KG_PASSWORD", default=None, help="Password (or env SERGE_KG_PASSWORD).")
@click.pass_context
@handle_errors
def publish_cmd(ctx: click.Context, endpoint: str, union_default_graph: bool, user: str | None,
                password: str | None) -> None:
    """Load the graph into a SPARQL 1.1 Graph Store Protocol store, as the TriG dump has it.

    The asserted triples replace the named graph <https://w3id.org/serge-kg/graph/asserted>, the
    inferred ones <https://w3id.org/serge-kg/graph/inferred>. Credentials are sent the way the
    store asks (Digest for Virtuoso, Basic for Fuseki and GraphDB).
    """
    from serge_kg.web.publish import publish
    for up in publish(project_paths(ctx), endpoint, union_default_graph=union_default_graph,
                      auth=(user, password or "") if user else None):
        click.echo(f"published {up.triples} triples to {up.graph if up.graph == 'default' else '<' + up.graph + '>'}"
                   f" ({up.url})")


