"""What a record of each kind may contain: the allowed types and fields, and what each field refers to.

``records.py`` checks records against these tables; ``data/README.md`` documents the same rules.
"""

from __future__ import annotations

KIND_DIRS: dict[str, str] = {
    "people": "person",
    "organizations": "organization",
    "places": "place",
    "works": "work",
    "translations": "translation",
    "events": "event",
    "relations": "relation",
    "disagreements": "disagreement",
    "opinions": "opinion",
}
"""Data folder name -> record kind (the kind is also the IRI path segment)."""

TYPES: dict[str, tuple[str, ...]] = {
    "person": ("Person",),
    "organization": ("Organization", "PoliticalParty", "PoliticalFaction", "PoliticalGroup",
                     "YouthOrganization", "TradeUnion", "StateAgency", "SecretPolice",
                     "InternationalOrganization", "Periodical", "Publisher", "Committee",
                     "CriminalGroup", "Commune"),
    "place": ("Place", "Country", "City", "Region", "Island", "Building", "Prison", "Camp",
              "Cemetery", "Ship"),
    "work": ("Work", "Novel", "History", "Memoir", "PoetryCollection", "Poem", "Essay", "Article",
             "Letter", "Pamphlet", "Lecture", "Collection", "Study", "Notebook", "Extract", "Series",
             "Book", "Biography", "Reference"),
    "translation": ("Translation", "Edition"),
    "event": ("Event", "Birth", "Death", "Burial", "Arrest", "Sentence", "Imprisonment", "Internment",
              "Interrogation", "Deportation", "Release", "Expulsion", "Exile", "Journey", "Arrival",
              "Departure", "Residence", "Membership", "Employment", "Assignment", "Publication",
              "Writing", "Confiscation", "Campaign", "Congress", "Meeting", "HistoricalEvent",
              "NameAdoption", "Founding", "Investigation", "Illness", "Escape", "Adherence"),
    "relation": ("spouse", "child", "parent", "partner", "sibling-in-law", "relative", "associate",
                 "comrade", "collaborator", "correspondent", "adversary", "influenced-by"),
    "disagreement": ("Disagreement",),
    "opinion": ("Opinion",),
}

AGENTS = ("person", "organization")
ANY = ("person", "organization", "place", "work", "translation", "event")
LABEL_AUTHORITIES = ("wikidata", "unnamed")
"""``label_authority`` values: the label of the record's verified Wikidata item, or a descriptive label
for someone the sources mention but do not name."""

# field -> (form, target kinds for references). Forms: str, strs, date, ref, refs, isbn, names,
# participants, claims, bool.
COMMON: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("str", ()), "type": ("str", ()), "label": ("str", ()), "alt_labels": ("strs", ()),
    "description": ("str", ()), "evidence": ("evidence", ()),
}
FIELDS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "person": {"birth_names": ("names", ()), "pseudonyms": ("strs", ()), "occupations": ("strs", ()),
               "descent": ("strs", ()), "notable_works": ("refs", ("work",)),
               "label_authority": ("str", ())},
    "organization": {"located_in": ("ref", ("place",)), "part_of": ("ref", ("organization",)),
                     "date": ("date", ()), "label_authority": ("str", ())},
    "place": {"part_of": ("ref", ("place",)), "label_authority": ("str", ())},
    "work": {"label_authority": ("str", ()), "title": ("str", ()), "lang": ("str", ()), "date": ("date", ()),
             "date_note": ("str", ()),
             "authors": ("refs", AGENTS), "editors": ("refs", AGENTS), "part_of": ("ref", ("work",)),
             "pseudonym": ("str", ()), "written_at": ("ref", ("place",)),
             "written_during": ("ref", ("event",)), "original_publisher": ("ref", ("organization",)),
             "original_place": ("ref", ("place",)), "published_under_name_of": ("ref", ("person",)),
             "ascribed_to": ("refs", AGENTS), "ascribed_by": ("refs", AGENTS),
             "suspected_authors": ("refs", AGENTS), "attribution_status": ("str", ()),
             "published_as": ("strs", ()), "note": ("str", ())},
    "translation": {"translation_of": ("ref", ("work",)), "lang": ("str", ()), "date": ("date", ()),
                    "translators": ("refs", ("person",)), "editors": ("refs", AGENTS),
                    "publisher": ("ref", ("organization",)), "place": ("ref", ("place",)),
                    "isbn": ("isbn", ()), "note": ("str", ()), "title": ("str", ())},
    "event": {"date": ("date", ()), "date_note": ("str", ()), "place": ("ref", ("place",)), "places": ("refs", ("place",)),
              "participants": ("participants", AGENTS), "organization": ("ref", ("organization",)),
              "works": ("refs", ("work", "translation")), "part_of": ("ref", ("event",)),
              "from_place": ("ref", ("place",)), "to_place": ("ref", ("place",)),
              "ideology": ("str", ()), "cause": ("str", ()), "circumstances": ("strs", ())},
    "relation": {"subject": ("ref", AGENTS), "object": ("ref", AGENTS), "date": ("date", ())},
    "disagreement": {"about": ("ref", ANY), "field": ("str", ()), "claims": ("claims", ())},
    "opinion": {"holder": ("ref", AGENTS), "about": ("refs", ANY), "stance": ("str", ()),
                "date": ("date", ()), "date_note": ("str", ())},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "translation": ("translation_of",),
    "relation": ("subject", "object"),
    "disagreement": ("about", "field", "claims"),
    "opinion": ("holder", "about", "stance"),
}
ROLES = ("principal", "agent", "companion", "participant", "beneficiary", "victim", "organizer", "witness",
         "chronicler")
DATED_FIELDS = ("date",)
"""Disagreement fields whose claimed values are EDTF dates (typed claims with bounds)."""
ATTRIBUTION_STATUSES = ("disputed", "rejected", "accepted")
