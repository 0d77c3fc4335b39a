"""Search over names, other names in any script, record ids and descriptions; "did you mean" for unknown names.

Text is folded before it is compared: accents dropped, case folded, Cyrillic transliterated, so
"kibalchich" finds Кибальчич and "precigne" finds Précigné. Each word of the query must start a word
of the entry (prefix matching); a match in the name ranks above one in the description.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from .catalog import KIND_LIST, LIST_BY_NAME, Catalog, Entry

# ISO 9-like transliteration without diacritics: enough to match the sources' Latin spellings
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))
_WORD = re.compile(r"[a-z0-9]+")
_KIND_BONUS = {"person": 4, "event": 0}  # a name is more often sought than an event named after it


def fold(text: str) -> str:
    """Lower case, no accents, Cyrillic in Latin letters: the form searches compare."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(_CYRILLIC.get(ch, ch) for ch in plain)


def words_of(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@dataclass
class Hit:
    entry: Entry
    score: int
    matched: str  # the name or field that matched


@dataclass
class HitGroup:
    title: str
    hits: list[Hit]


class SearchIndex:
    """Folded words of every listed entity's names, id and description."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.items: list[tuple[Entry, list[tuple[int, str, list[str]]]]] = []
        for e in catalog.entries.values():
            if e.kind not in KIND_LIST or e.nested:
                continue
            fields = [(3, e.label, words_of(e.label))]
            fields += [(2, n, words_of(n)) for n, _ in e.names]
            fields += [(2, e.rid, words_of(e.rid.replace("-", " ")))]
            if e.description:
                fields.append((1, e.description, words_of(e.description)))
            self.items.append((e, fields))

    def search(self, query: str, limit: int = 200) -> list[Hit]:
        """Entries whose words start with every query word, best first."""
        terms = words_of(query)
        if not terms:
            return []
        folded = fold(query).strip()
        hits = []
        for e, fields in self.items:
            best, matched = 0, ""
            for weight, text, ws in fields:
                if all(any(w.startswith(t) for w in ws) for t in terms):
                    score = weight * 10 + _KIND_BONUS.get(e.kind, 2) + (5 if fold(text) == folded else 0) + (2 if fold(text).startswith(folded) else 0)
                    if score > best:
                        best, matched = score, text
            if not best:  # the words may be spread over several names
                every = [w for weight, _, ws in fields if weight > 1 for w in ws]
                if all(any(w.startswith(t) for w in every) for t in terms):
                    best, matched = 5, e.label
            if best:
                hits.append(Hit(e, best, matched))
        hits.sort(key=lambda h: (-h.score, h.entry.label.casefold()))
        return hits[:limit]

    def grouped(self, hits: list[Hit]) -> list[HitGroup]:
        """Hits by list kind (People, Places ...), in the lists' order."""
        out = []
        for kind in LIST_BY_NAME.values():
            mine = [h for h in hits if KIND_LIST[h.entry.kind] is kind]
            if mine:
                out.append(HitGroup(kind.title, mine))
        return out

    def suggest(self, text: str, n: int = 5) -> list[Entry]:
        """The entries whose id or name is nearest to ``text`` (for "did you mean")."""
        key = fold(text.rsplit("/", 1)[-1]).replace("-", " ")
        choices: dict[str, Entry] = {}
        for e, _ in self.items:
            choices.setdefault(e.rid.replace("-", " "), e)
            choices.setdefault(fold(e.label), e)
        near = difflib.get_close_matches(key, list(choices), n=n * 2, cutoff=0.6)
        found: list[Entry] = []
        for name in near:
            if choices[name] not in found:
                found.append(choices[name])
        if len(found) < n:
            for h in self.search(text.rsplit("/", 1)[-1].replace("-", " "), limit=n):
                if h.entry not in found:
                    found.append(h.entry)
        return found[:n]


def suggest_names(name: str, names: list[str], n: int = 5) -> list[str]:
    """The nearest of ``names`` to ``name`` (query names, for "did you mean")."""
    near = difflib.get_close_matches(name, names, n=n, cutoff=0.5)
    return near or [x for x in names if name and (name in x or x in name)][:n]
