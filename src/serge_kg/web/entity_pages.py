"""What each kind of entity page shows first: the context handed to its template.

A person: life dates, then Life (grouped by decade), Places lived, Memberships and employment, People,
Works, Pseudonyms, Disagreements, Mentioned in. An event, organisation, place, work, translation,
disagreement or citation: what a reader of that kind wants first. Anything else: its facts as a table.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import DCTERMS, PROV, RDF, Literal, URIRef
from rdflib.term import Node

from serge_kg.namespaces import SK

from .catalog import Entry
from .views import ROLES, Group, Row, View, words

Context = dict[str, Any]
# the order a biography names people in: family first, adversaries last
_CLOSENESS = {name: i for i, name in enumerate(
    ("spouse", "partner", "child", "parent", "sibling-in-law", "relative", "comrade", "collaborator", "associate",
     "correspondent", "adversary"))}


# the order a bibliography lists kinds of work in: the books first, the short pieces after
_WORK_ORDER = ("Novel", "Memoir", "History", "PoetryCollection", "Biography", "Book", "Study", "Collection",
               "Notebook", "Essay", "Pamphlet", "Poem", "Article", "Lecture", "Letter", "Extract", "Series")


def _kind_rank(rows: list[Row]) -> int:
    local = str(rows[0].entry.type).rsplit("#", 1)[-1] if rows and rows[0].entry.type else ""
    return _WORK_ORDER.index(local) if local in _WORK_ORDER else len(_WORK_ORDER)


def _decade(entry: Entry) -> str:
    return f"{entry.earliest.year // 10 * 10}s" if entry.earliest else "Undated"


def _spans(view: View, events: list[Entry], target: URIRef, me: Node) -> list[Row]:
    """Rows for residences or memberships: the place or organisation as the row's note."""
    rows = []
    for row in view.rows(events, me):
        row.others = [(role, e) for role, e in row.others if role != "organization"]
        row.places = view.refs(row.entry.iri, target) or row.places
        rows.append(row)
    return rows


def person(view: View, e: Entry) -> Context:
    g, iri = view.graph, e.iri
    events = view.back(iri, *ROLES)
    mine = [ev for ev in events if iri in set(g.objects(ev.iri, SK.principal))]
    births, deaths = view.typed(mine, SK.Birth), view.typed(mine, SK.Death)
    life: dict[str, list[Row]] = defaultdict(list)
    for row in view.rows(events, iri):
        life[_decade(row.entry)].append(row)
    residences = _spans(view, view.typed(mine, SK.Residence), SK.place, iri)
    memberships = _spans(view, view.typed(mine, SK.Membership, SK.Employment), SK.organization, iri)
    people = []
    for rel in view.back(iri, SK.relSubject, SK.relObject):
        prop = g.value(rel.iri, SK.relProperty)
        name = view.catalog.label(prop) if prop is not None else "related"
        forward = iri in set(g.objects(rel.iri, SK.relSubject))
        other = view.refs(rel.iri, SK.relObject if forward else SK.relSubject)
        row = view.record_row(rel, name if forward else f"{name} of")
        row.others = [("", o) for o in other]
        people.append(row)
    people.sort(key=lambda r: (_CLOSENESS.get(r.note.removesuffix(" of"), len(_CLOSENESS)), r.note,
                               r.others[0][1].label if r.others else ""))
    works: dict[str, list[Row]] = defaultdict(list)
    authored = view.back(iri, SK.author)
    for w in sorted(authored, key=Entry.sort_date):
        row = view.record_row(w)
        row.others = [("translation", t) for t in sorted(view.back(w.iri, SK.translationOf), key=Entry.sort_date)]
        works[w.type_label or "Work"].append(row)
    about = {iri} | {ev.iri for ev in events}
    disagreements = [disagreement_view(view, d) for d in view.catalog.by_kind.get("disagreement", [])
                     if set(g.objects(d.iri, SK.about)) & about]
    shown = {ev.iri for ev in events} | {r.entry.iri for r in people} | {w.iri for w in authored}
    shown |= {d["entry"].iri for d in disagreements}
    return {"births": view.rows(births, iri), "deaths": view.rows(deaths, iri),
            "names": e.names, "occupations": sorted(str(o) for o in g.objects(iri, SK.occupation)),
            "pseudonyms": sorted(str(p) for p in g.objects(iri, SK.pseudonym)),
            "life": [Group(k, v) for k, v in sorted(life.items(), key=lambda kv: (kv[0] == "Undated", kv[0]))],
            "residences": residences, "memberships": memberships, "people": people,
            "works": [Group(k, v) for k, v in sorted(works.items(), key=lambda kv: (_kind_rank(kv[1]), kv[0]))],
            "disagreements": disagreements, "mentions": view.mentions(iri, shown),
            "quotes": view.evidence.of(iri)}


def event(view: View, e: Entry) -> Context:
    iri = e.iri
    roles = [(view.catalog.label(r), view.refs(iri, r)) for r in ROLES]
    parts = view.rows(view.back(iri, SK.partOfEvent))
    disagreements = [disagreement_view(view, d) for d in view.back(iri, SK.about) if d.kind == "disagreement"]
    shown = {p.entry.iri for p in parts} | {d["entry"].iri for d in disagreements}
    from_places, to_places = view.refs(iri, SK.fromPlace), view.refs(iri, SK.toPlace)
    # a journey's ends are also its places (derived sk:place); "Where" lists only the others
    ends = {p.iri for p in from_places + to_places}
    return {"when": words(e.edtf), "places": [p for p in view.refs(iri, SK.place) if p.iri not in ends],
            "from_places": from_places, "to_places": to_places,
            "organizations": view.refs(iri, SK.organization), "roles": [(r, w) for r, w in roles if w],
            "works": view.refs(iri, SK.involvesWork), "part_of": view.refs(iri, SK.partOfEvent),
            "parts": parts, "disagreements": disagreements, "quotes": view.evidence.of(iri),
            "mentions": view.mentions(iri, shown)}


def organization(view: View, e: Entry) -> Context:
    iri = e.iri
    events = view.back(iri, SK.organization)
    members = []
    for row in view.rows(view.typed(events, SK.Membership, SK.Employment), iri):
        members.append(row)
    other = [ev for ev in events if ev.type not in (SK.Membership, SK.Employment)] + \
        [ev for ev in view.back(iri, *ROLES) if ev not in events]
    shown = {ev.iri for ev in events} | {ev.iri for ev in other}
    return {"located_in": view.refs(iri, SK.locatedIn), "part_of": view.refs(iri, SK.subOrganizationOf),
            "parts": view.back(iri, SK.subOrganizationOf), "members": members, "events": view.rows(other, iri),
            "published": sorted(view.back(iri, SK.publisher), key=Entry.sort_date),
            "quotes": view.evidence.of(iri), "mentions": view.mentions(iri, shown)}


def place(view: View, e: Entry) -> Context:
    iri = e.iri
    events = view.back(iri, SK.place, SK.toPlace, SK.fromPlace)
    lived = []
    for row in view.rows(view.typed(events, SK.Residence)):
        row.others = [(r, w) for r, w in row.others if r == "principal"] or row.others
        lived.append(row)
    contains = sorted(view.back(iri, SK.containedIn), key=lambda x: x.label)
    written = sorted(view.back(iri, SK.writtenAt), key=Entry.sort_date)
    orgs = sorted(view.back(iri, SK.locatedIn), key=lambda x: x.label)
    shown = {ev.iri for ev in events} | {x.iri for x in contains + written + orgs}
    rows = view.rows(events)
    for row in rows + lived:  # "in Orenburg" on Orenburg's own page says nothing
        row.places = [p for p in row.places if p.iri != iri]
    return {"part_of": view.refs(iri, SK.containedIn), "contains": contains, "events": rows,
            "lived": lived, "written": written, "organizations": orgs,
            "published": sorted(view.back(iri, SK.placeOfPublication), key=Entry.sort_date),
            "quotes": view.evidence.of(iri), "mentions": view.mentions(iri, shown)}


def _title(view: View, iri: Node) -> tuple[str, str | None] | None:
    title = view.graph.value(iri, SK.title)
    return (str(title), title.language) if isinstance(title, Literal) else None


def translation_row(view: View, t: Entry) -> Context:
    g = view.graph
    isbn = g.value(t.iri, SK.isbn13) or g.value(t.iri, SK.isbn10)
    return {"entry": t, "own_title": _title(view, t.iri), "when": words(t.edtf),
            "translators": view.refs(t.iri, SK.translator), "editors": view.refs(t.iri, SK.editor),
            "publisher": view.refs(t.iri, SK.publisher), "places": view.refs(t.iri, SK.placeOfPublication),
            "isbn": str(isbn) if isbn else "", "note": str(g.value(t.iri, SK.note) or ""),
            "language": str(g.value(t.iri, SK.language) or ""), "quotes": view.evidence.of(t.iri)}


def work(view: View, e: Entry) -> Context:
    g, iri = view.graph, e.iri
    translations = [translation_row(view, t) for t in sorted(view.back(iri, SK.translationOf), key=Entry.sort_date)]
    attribution = view.back(iri, SK.attributedWork)
    citing = view.back(iri, SK.citesReference)  # a cited publication: the footnotes that cite it
    events = view.back(iri, SK.involvesWork)
    parts = sorted(view.back(iri, SK.partOf), key=Entry.sort_date)
    shown = {t["entry"].iri for t in translations} | {a.iri for a in attribution} | {c.iri for c in citing}
    shown |= {ev.iri for ev in events} | {p.iri for p in parts}
    return {"original_title": _title(view, iri), "when": words(e.edtf),
            "language": str(g.value(iri, SK.language) or ""), "authors": view.refs(iri, SK.author),
            "editors": view.refs(iri, SK.editor), "written_at": view.refs(iri, SK.writtenAt),
            "written_during": view.refs(iri, SK.writtenDuring), "publisher": view.refs(iri, SK.publisher),
            "published_at": view.refs(iri, SK.placeOfPublication), "part_of": view.refs(iri, SK.partOf),
            "under_name_of": view.refs(iri, SK.publishedUnderNameOf), "parts": parts,
            "pseudonym": str(g.value(iri, SK.underPseudonym) or ""),
            "published_as": sorted(str(x) for x in g.objects(iri, SK.publishedAs)),
            "note": str(g.value(iri, SK.note) or ""), "translations": translations,
            "attributions": [attribution_view(view, a) for a in attribution],
            "citations": sorted(citing, key=lambda c: _note_number(view, c.iri)),
            "events": view.rows(events), "quotes": view.evidence.of(iri), "mentions": view.mentions(iri, shown)}


def translation(view: View, e: Entry) -> Context:
    ctx = translation_row(view, e)
    del ctx["entry"]
    ctx["originals"] = view.refs(e.iri, SK.translationOf)
    ctx["mentions"] = view.mentions(e.iri, set())
    return ctx


def attribution_view(view: View, a: Entry) -> Context:
    g = view.graph
    return {"entry": a, "to": view.refs(a.iri, SK.ascribedTo), "by": view.refs(a.iri, SK.ascribedBy),
            "suspected": view.refs(a.iri, SK.suspectedAuthor),
            "status": str(g.value(a.iri, SK.attributionStatus) or ""), "quotes": view.evidence.of(a.iri)}


def disagreement_view(view: View, d: Entry) -> Context:
    g = view.graph
    field = str(g.value(d.iri, SK.field) or "")
    claims = []
    for c in sorted(g.objects(d.iri, SK.claim), key=str):
        value = str(g.value(c, SK.claimedValue) or "")
        claims.append({"value": words(value) if field.split(" ")[0] in ("date", "dates") else value, "raw": value,
                       "quotes": view.evidence.of(c)})
    return {"entry": d, "field": field, "about": view.refs(d.iri, SK.about), "claims": claims}


def disagreement(view: View, e: Entry) -> Context:
    ctx = disagreement_view(view, e)
    del ctx["entry"]
    ctx.update(quotes=view.evidence.of(e.iri), mentions=view.mentions(e.iri, set()))
    return ctx


def _note_number(view: View, iri: Node) -> int:
    n = view.graph.value(iri, SK.noteNumber)
    return int(n) if isinstance(n, Literal) else 0


def citation(view: View, e: Entry) -> Context:
    g, iri = view.graph, e.iri
    records: list[Row] = []
    for ev in set(g.subjects(SK.citation, iri)):
        quote = view.evidence.quote(ev)
        for rec in g.subjects(PROV.wasDerivedFrom, ev):
            if (entry := view.catalog.get(rec)) is not None and quote is not None:
                records.append(Row(entry, words(entry.edtf), quotes=[quote], derived=entry.date_note or ""))
    records.sort(key=lambda r: r.entry.sort_date())
    source = g.value(iri, DCTERMS.source)
    return {"number": _note_number(view, iri), "text": str(g.value(iri, DCTERMS.bibliographicCitation) or ""),
            "reference": view.refs(iri, SK.citesReference), "records": records,
            "source": view.evidence.by_iri.get(source) if isinstance(source, URIRef) else None}


def generic(view: View, e: Entry) -> Context:
    """Any other node (a relationship, an attribution, a claim, an evidence node): its facts as rows."""
    facts = []
    for p, o in sorted(view.graph.predicate_objects(e.iri), key=lambda po: (view.catalog.label(po[0]), str(po[1]))):
        if p in (RDF.type, PROV.wasDerivedFrom):
            continue
        facts.append((view.catalog.label(p), view.catalog.get(o), o))
    return {"facts": facts, "quotes": view.evidence.of(e.iri) or ([q] if (q := view.evidence.quote(e.iri)) else []),
            "mentions": view.mentions(e.iri, set())}


BUILDERS = {"person": person, "event": event, "organization": organization, "place": place, "work": work,
            "translation": translation, "disagreement": disagreement, "citation": citation}


def entity_context(view: View, e: Entry) -> tuple[str, Context]:
    """The template name and its context for one entity page."""
    kind = e.kind if e.kind in BUILDERS else "generic"
    if kind == "disagreement" and e.type == SK.Claim:
        kind = "generic"
    return f"{kind}.html", (BUILDERS.get(kind) or generic)(view, e)
