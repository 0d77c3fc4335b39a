"""``serge-kg link``: Wikidata link coverage, candidate search and verification, GeoNames candidates
(registered in ``cli/main.py``).

Like the rest of the CLI, this module only prints and exits; the work is done in ``link.py``.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

import click

from serge_kg.pipeline.export import write_atomic
from serge_kg.pipeline.records import load_dataset
from serge_kg.query.render import render_rows
from serge_kg.wikidata.api import DEFAULT_API, ENV_API, WikidataClient
from serge_kg.wikidata.candidates import write_candidates
from serge_kg.wikidata.common import FINDING_VERDICTS, LINKABLE_KINDS, Verification
from serge_kg.wikidata.report import LinkReport, link_report
from serge_kg.wikidata.verify import CACHE_DIR, verify

from .common import handle_errors, project_paths

LINK_EXIT_CODES = ("Exit codes: 0 ok; 1 findings that mean the data is wrong (verify: a mismatch, a merged "
                   "or deleted item); 2 input, tool or network error.")
REPORT_CSV_HEADER = ["record_id", "kind", "type", "label", "status", "qid", "verify", "issues", "geonameid",
                     "coordinates"]


def _table(columns: list[str], rows: list[list[Any]]) -> str:
    """An aligned text table, from plain values."""
    return render_rows(columns, [[None if v is None else str(v) for v in row] for row in rows], "table")


def _client(api: str | None, timeout: float, retries: int, backoff: float, pause: float) -> WikidataClient:
    return WikidataClient(api, timeout=timeout, retries=retries, backoff=backoff, pause=pause)


def _http_options(fn: Any) -> Any:
    """The options every sub-command that calls Wikidata takes."""
    for opt in reversed([
        click.option("--api", metavar="URL", envvar=ENV_API, default=None,
                     help=f"Wikidata site or its api.php (default {DEFAULT_API}, or ${ENV_API}); entity data "
                          "is read from <site>/wiki/Special:EntityData/."),
        click.option("--timeout", type=float, default=10.0, show_default=True, metavar="S",
                     help="Connect/read timeout per request, in seconds."),
        click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True, metavar="N",
                     help="Retries after a connection error, timeout, HTTP 429 or 5xx (exponential back-off, "
                          "Retry-After honoured up to 30 s)."),
        click.option("--backoff", type=click.FloatRange(min=0), default=1.0, show_default=True, metavar="S",
                     help="First back-off wait in seconds; doubled on each retry."),
        click.option("--pause", type=click.FloatRange(min=0), default=0.1, show_default=True, metavar="S",
                     help="Pause between requests, to be polite to Wikidata."),
    ]):
        fn = opt(fn)
    return fn


def _progress(msg: str) -> None:
    click.echo(msg, err=True)


@click.group("link", epilog=LINK_EXIT_CODES)
def link() -> None:
    """Wikidata and GeoNames links: coverage report, candidate search, verification.

    Curators decide in data/wikidata/decisions.csv (record_id,qid,decision,how_verified) and
    review GeoNames matches into data/geonames/places.csv; these commands never change either.

    \b
    Linkable records (may have a Wikidata item of their own):
      person, organization, place: all;
      work:  Novel, History, Memoir, PoetryCollection, Collection, Study, Notebook, Book,
             Biography, Reference, Pamphlet (book-length works);
      event: HistoricalEvent, Congress (events beyond Serge's life).
    Left out, counted in one line: translations (editions), relations and disagreements (our
    own statements), the events of a life (Birth, Arrest ... are our nodes), short writings
    (Article, Letter, Essay, Poem, Lecture, Extract, Series, the MIA index's plain Work).
    A record named in decisions.csv is always counted.
    """


# report ------------------------------------------------------------------------------------------
def _report_table(rep: LinkReport, cache_dir: Path) -> str:
    out: list[str] = []
    total = [sum(getattr(c, f) for c in rep.coverage) for f in ("records", "linked", "unsure", "no", "unlinked")]
    share = f"{100 * total[1] / total[0]:.1f}%" if total[0] else "-"
    out.append(f"Wikidata link coverage (data/wikidata/decisions.csv): {total[1]} of {total[0]} linkable records "
               f"linked ({share})\n")
    rows = [[c.kind, c.records, c.linked, c.unsure, c.no, c.unlinked, f"{100 * c.share_linked:.1f}%"]
            for c in rep.coverage]
    rows.append(["total", *total, share])
    out.append(_table(["kind", "records", "linked", "unsure", "no", "unlinked", "linked %"], rows).rstrip("\n"))
    if rep.left_out:
        out.append("left out (no Wikidata item expected, see `serge-kg link --help`): "
                   + ", ".join(f"{n} {kind}" for kind, n in rep.left_out.items()))
    places = rep.places
    with_id = sum(1 for p in places if p.link is not None)
    with_point = [p for p in places if p.has_coordinates]
    out.append(f"\nGeoNames (data/geonames/places.csv): {with_id} of {len(places)} places with a GeoNames id, "
               f"{len(with_point)} with coordinates, {len(places) - len(with_point)} without")
    without = [[p.record.id, p.record.type, p.why_not] for p in places if not p.has_coordinates]
    out.append(_table(["place without coordinates", "type", "why"], without).rstrip("\n") if without else "  none")
    unlinked = rep.unlinked
    out.append(f"\nUnlinked: {len(unlinked)} linkable records without any decision row "
               "(`serge-kg link candidates` searches them)")
    out.append(_table(["id", "kind", "label"], [[u.record.id, u.record.kind, u.record.get("label") or ""]
                                                for u in unlinked]).rstrip("\n") if unlinked else "  none")
    out.append(f"\nDuplicates and conflicting rows: {len(rep.duplicates)}")
    out.append(_table(["problem", "qid", "records", "rows"],
                      [[d.problem, d.qid, ", ".join(d.records), d.detail] for d in rep.duplicates]).rstrip("\n")
               if rep.duplicates else "  none")
    out.append("\nQIDs that disagree with a fact we hold")
    if not rep.verifications:
        out.append("  not checked (run serge-kg link verify)")
    else:
        bad = rep.disagreements
        rows = [[v.record_id, v.qid, c.field, c.ours, c.theirs] for v in bad for c in v.findings]
        out.append(_table(["record", "qid", "field", "ours", "theirs"], rows).rstrip("\n") if rows else "  none")
        note = f"  checked {len(rep.verifications)} 'same' links against {cache_dir}/ (written by the last verify)"
        if rep.not_checked:
            note += (f"; {len(rep.not_checked)} not checked (run serge-kg link verify): "
                     + ", ".join(f"{d.record_id} {d.qid}" for d in rep.not_checked[:10])
                     + (" ..." if len(rep.not_checked) > 10 else ""))
        out.append(note)
    for problem in rep.unreadable:
        out.append(f"  unreadable cache file {problem}")
    return "\n".join(out) + "\n"


def _report_csv(rep: LinkReport) -> str:
    issues: dict[str, list[str]] = {}
    for d in rep.duplicates:
        for rid in d.records:
            issues.setdefault(rid, []).append(f"{d.problem} {d.qid}: {d.detail}")
    for v in rep.verifications.values():
        for c in v.findings:
            issues.setdefault(v.record_id, []).append(f"{c.field}: ours {c.ours}; Wikidata {c.theirs}")
    not_checked = {d.record_id for d in rep.not_checked}
    places = {p.record.id: p for p in rep.places}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(REPORT_CSV_HEADER)
    for link_ in rep.links:
        rec = link_.record
        check: Verification | None = rep.verifications.get(rec.id)
        verdict = check.verdict if check else "not checked" if rec.id in not_checked else ""
        place = places.get(rec.id)
        geo = place.link if place else None
        writer.writerow([rec.id, rec.kind, rec.type, rec.get("label") or "", link_.status, ";".join(link_.qids),
                         verdict, " | ".join(issues.get(rec.id, [])), geo.geonameid if geo else "",
                         f"{geo.latitude} {geo.longitude}" if place and place.has_coordinates and geo else
                         (place.why_not if place else "")])
    return buf.getvalue()


@link.command("report", epilog="Examples:\n\n  serge-kg link report\n\n"
              "  serge-kg link report --format csv -o link-report.csv\n\n" + LINK_EXIT_CODES)
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True,
              help="table: the five sections above, for a terminal. csv: one row per linkable record "
                   "(record_id,kind,type,label,status,qid,verify,issues,geonameid,coordinates: 'lat long' or why none); the table's counts are these rows "
                   "grouped by kind and status.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.pass_context
@handle_errors
def report_cmd(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Coverage of the Wikidata links, by kind, and what needs a curator.

    \b
    1. per kind: linkable records, linked (a 'same' row), unsure (an 'unsure' row, no 'same'),
       no (only 'no' rows: every candidate rejected), unlinked (no row at all), share linked;
    2. GeoNames: places with a GeoNames id and with coordinates (data/geonames/places.csv), and
       every place without coordinates, with the reason;
    3. the unlinked records (id, kind, label);
    4. duplicates: one QID named for several records (in any decision), and conflicting rows
       for one record (one QID with different decisions, a repeated row, or 'same' next to a
       still 'unsure' QID);
    5. QIDs that disagree with a fact we hold (label, a person's birth/death year), from the
       entity data cached by the last `serge-kg link verify` in build/wikidata-cache/;
       without it: "not checked (run serge-kg link verify)". No network access.
    """
    paths = project_paths(ctx)
    rep = link_report(load_dataset(paths.data), paths.root / CACHE_DIR)
    text = _report_csv(rep) if fmt == "csv" else _report_table(rep, CACHE_DIR)
    if output:
        write_atomic(output, text.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


# candidates --------------------------------------------------------------------------------------
@link.command("candidates", epilog="Examples:\n\n  serge-kg link candidates\n\n"
              "  serge-kg link candidates --kind person --kind place --limit 20\n\n" + LINK_EXIT_CODES)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(LINKABLE_KINDS),
              help="Only records of this kind (repeatable). Default: every linkable kind.")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="Search at most N records (the file then holds only those).")
@click.option("--per-entity", type=click.IntRange(1, 50), default=5, show_default=True, metavar="N",
              help="Search results kept per record (the API's limit).")
@_http_options
@click.pass_context
@handle_errors
def candidates_cmd(ctx: click.Context, kinds: tuple[str, ...], limit: int | None, per_entity: int,
                   api: str | None, timeout: float, retries: int, backoff: float, pause: float) -> None:
    """Search Wikidata for the linkable records that have no decision row; write data/wikidata/candidates.csv.

    Each record's label (without a bracketed part; then its other names if nothing is found) is
    searched with wbsearchentities (language en, items, 5 results). candidates.csv is GENERATED:
    overwritten on every run, written atomically, columns record_id, kind, label, candidate_qid,
    candidate_label, candidate_description, score, sorted by record then score (best first); a
    record with no hit has one row with empty candidate columns. It never touches decisions.csv:
    a curator checks a candidate against the sources and records the decision there.

    \b
    score (0-100) = 70 x name similarity (difflib ratio of accent-, case- and punctuation-folded
                        names: the best pair of any of our names and the item's label or the
                        alias the search matched)
                  + 10 if the description has a word that fits the kind ("city", "novel",
                        "party", "revolutionary" ...)
                  + 10 per year we hold (a person's birth/death year; a work's or event's
                        year) found in the description, at most + 20
                  - 30 for a disambiguation page, family or given name, Wikimedia list,
                        category or template
    Progress (n/total) goes to standard error.
    """
    paths = project_paths(ctx)
    with _client(api, timeout, retries, backoff, pause) as client:
        path, found, searched = write_candidates(paths, client, kinds or None, limit, per_entity, _progress)
    hits = [c for c in found if c.qid]
    click.echo(f"searched {searched} records, {len(hits)} candidates for "
               f"{len({c.record_id for c in hits})} of them; wrote {paths.candidates.relative_to(paths.root)} "
               f"(generated; decide in data/wikidata/decisions.csv)")


# verify ------------------------------------------------------------------------------------------
@link.command("verify", epilog="Examples:\n\n  serge-kg link verify\n\n"
              "  serge-kg link verify --qid Q362009\n\n" + LINK_EXIT_CODES)
@click.option("--qid", "qids", multiple=True, metavar="Q…",
              help="Verify only this 'same' QID (repeatable; the results file then holds only these). "
                   "Default: every 'same' decision.")
@_http_options
@click.pass_context
@handle_errors
def verify_cmd(ctx: click.Context, qids: tuple[str, ...], api: str | None, timeout: float, retries: int,
               backoff: float, pause: float) -> None:
    """Check every 'same' QID of decisions.csv against Wikidata's entity data.

    \b
    For each 'same' decision, <site>/wiki/Special:EntityData/Q….json is fetched and compared:
      label  any label or alias, in any language, equals one of our names (label, alternative
             labels, title, birth names, pseudonyms), ignoring case, accents and punctuation;
      years  people only: birth and death years (P569, P570, at Wikidata's precision, Julian
             dates converted) against our Birth/Death events; any non-deprecated value counts.
    A merged item's redirect is followed and reported ("Q… redirected to Q…"); a deleted item
    is reported as missing.

    \b
    Verdicts: verified (label and, for people, at least one year match); unconfirmed (a person
    whose years cannot be compared: we or Wikidata hold none); mismatch; redirected; missing.
    Every mismatch is listed (record, QID, field, ours, theirs) with a summary. Results go to
    build/wikidata-verify.csv (one row per check), the fetched JSON to build/wikidata-cache/
    (read by `serge-kg link report`); nothing is written unless every item was fetched.
    Exit 1 on a mismatch, redirect or missing item, 2 if Wikidata cannot be reached.
    """
    paths = project_paths(ctx)
    with _client(api, timeout, retries, backoff, pause) as client:
        result = verify(paths, client, qids, _progress)
    if not result.verifications:
        click.echo("no 'same' decisions to verify in data/wikidata/decisions.csv")
        return
    rows = [[v.record_id, v.qid, c.field, c.ours, c.theirs] for v in result.verifications for c in v.findings]
    if rows:
        click.echo(f"{len(rows)} finding(s):")
        click.echo(_table(["record", "qid", "field", "ours", "theirs"], rows), nl=False)
        for v in result.verifications:
            for c in v.findings:
                if c.result == "redirected":
                    click.echo(f"{c.theirs} (record {v.record_id}): update data/wikidata/decisions.csv")
        click.echo()
    counts = result.counts()
    unconfirmed = [v for v in result.verifications if v.verdict == "unconfirmed"]
    summary = ", ".join(f"{counts[k]} {k}" for k in ("verified", "unconfirmed", *FINDING_VERDICTS) if counts[k])
    click.echo(f"verified {counts['verified']} of {len(result.verifications)} QIDs ({summary})")
    if unconfirmed:
        click.echo("unconfirmed (label matches; no birth/death year to compare): "
                   + ", ".join(f"{v.record_id} {v.qid}" for v in unconfirmed))
    try:
        shown = result.csv_path.relative_to(paths.root) if result.csv_path else None
    except ValueError:
        shown = result.csv_path
    click.echo(f"wrote {shown} and {len(result.verifications)} files in {CACHE_DIR}/", err=True)
    if not result.ok:
        sys.exit(1)


from . import link_geonames  # noqa: E402,F401 - registers `link geonames` on the group above
