"""Links between pages, for the live server (absolute, query strings) and the static site (relative files).

Every template asks :class:`Links` for a logical path ("id/person/victor-serge", "people",
"queries/life-timeline"); the live server answers ``<base>/people?sort=date``, the static site a
file relative to the current page (``../people-by-date.html``), so the site works from any folder or
static host.
"""

from __future__ import annotations

from urllib.parse import urlencode

from serge_kg.namespaces import ID

RDF_SUFFIX = {"ttl": ".ttl", "jsonld": ".jsonld", "nt": ".nt"}


def static_file(path: str, query: dict[str, str] | None = None) -> str:
    """The static site's file name for a logical path (with the list options that have their own file)."""
    if not path:
        return "index.html"
    if path.startswith(("static/", "dumps/")) or path in ("sitemap.xml", "search-index.json"):
        return path
    query = query or {}
    if fmt := query.get("format"):
        return path + RDF_SUFFIX.get(fmt, "." + fmt)
    name = path
    if query.get("type"):
        name += "-" + query["type"].lower()
    if query.get("sort") == "date":
        name += "-by-date"
    return name + ".html"


class Links:
    """Makes the links of one page: ``static`` pages link relatively to ``page`` (their own logical path)."""

    def __init__(self, base: str = "", static: bool = False, page: str = "") -> None:
        self.base, self.static = base.rstrip("/"), static
        self.up = "../" * static_file(page).count("/") if static else ""

    def to(self, path: str, fragment: str = "", **query: str | None) -> str:
        """The link to a logical path; ``query`` values that are None or "" are left out."""
        q = {k: v for k, v in query.items() if v}
        tail = f"#{fragment}" if fragment else ""
        if self.static:
            return self.up + static_file(path, q) + tail
        return f"{self.base}/{path}" + (f"?{urlencode(q)}" if q else "") + tail

    def iri(self, iri: str) -> str:
        """An entity IRI as a link on this server or site; any other IRI as it is."""
        if iri.startswith(str(ID)):
            return self.to("id/" + iri[len(str(ID)):])
        return iri

    @property
    def searchable(self) -> str:
        """The search form's target."""
        return self.to("search")
