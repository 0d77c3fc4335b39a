"""``serge-kg link verify``: each ``same`` QID's labels, aliases and (for people) birth and death years
compared with ours; results to ``build/wikidata-verify.csv``, raw entity data to ``build/wikidata-cache/``."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from serge_kg.errors import LinkingError
from serge_kg.paths import Paths
from serge_kg.pipeline.decisions import Decision
from serge_kg.pipeline.export import write_atomic
from serge_kg.pipeline.records import load_dataset
from serge_kg.progress import Progress

from .api import EntityData, WikidataClient, WikidataUnavailable
from .common import FINDING_VERDICTS, Verification, compare, life_years, missing_entity

VERIFY_FILE = Path("build") / "wikidata-verify.csv"
CACHE_DIR = Path("build") / "wikidata-cache"
VERIFY_HEADER = ["record_id", "kind", "qid", "resolved_qid", "field", "ours", "theirs", "result", "verdict"]

# verify ------------------------------------------------------------------------------------------
@dataclass
class VerifyResult:
    """The verifications of one ``serge-kg link verify`` run and where they were written."""

    verifications: list[Verification]
    csv_path: Path | None
    cache_dir: Path

    @property
    def ok(self) -> bool:
        """True when no link needs a curator (no mismatch, redirect or missing item)."""
        return not any(v.verdict in FINDING_VERDICTS for v in self.verifications)

    def counts(self) -> Counter[str]:
        """Links per verdict."""
        return Counter(v.verdict for v in self.verifications)


def verify_csv(verifications: Iterable[Verification]) -> bytes:
    """build/wikidata-verify.csv: one row per check, with the link's verdict."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(VERIFY_HEADER)
    for v in verifications:
        for c in v.checks:
            writer.writerow([v.record_id, v.kind, v.qid, v.resolved_qid, c.field, c.ours, c.theirs, c.result,
                             v.verdict])
    return buf.getvalue().encode("utf-8")


def verify(paths: Paths, client: WikidataClient, qids: Iterable[str] = (),
           progress: Progress | None = None) -> VerifyResult:
    """Fetch the entity data of every ``same`` QID (or only ``qids``), compare it with our records, cache
    it under ``build/wikidata-cache/`` and write ``build/wikidata-verify.csv`` (atomically).

    Nothing is written unless every item could be fetched.

    :raises LinkingError: if a QID in ``qids`` is not a ``same`` decision, or Wikidata cannot be
        reached ("cannot reach Wikidata at URL: ...; nothing was verified").
    """
    say = progress or (lambda _msg: None)
    dataset = load_dataset(paths.data)
    todo = sorted(dataset.links.values(), key=lambda d: d.record_id)
    wanted = {q.strip().upper() for q in qids if q.strip()}
    if wanted:
        unknown = wanted - {d.qid for d in todo}
        if unknown:
            raise LinkingError(f"{', '.join(sorted(unknown))}: not a 'same' QID in data/wikidata/decisions.csv "
                               f"(only 'same' links are verified)")
        todo = [d for d in todo if d.qid in wanted]
    cache_dir = paths.root / CACHE_DIR
    fetched: list[tuple[Decision, EntityData]] = []
    for i, d in enumerate(todo, 1):
        say(f"[{i}/{len(todo)}] {d.qid} ({d.record_id})")
        try:
            data = client.entity(d.qid)
        except WikidataUnavailable as exc:
            where = f" (stopped at {d.qid}, {i} of {len(todo)}; no results were written)" if i > 1 else ""
            raise LinkingError(f"cannot reach Wikidata at {exc.url}: {exc.problem} after {exc.attempts} attempt(s); "
                               f"nothing was verified{where}") from exc
        fetched.append((d, data if data is not None else missing_entity(d.qid)))
    years = life_years(dataset)
    verifications = []
    for d, data in fetched:
        write_atomic(cache_dir / f"{d.qid}.json", data.body)
        verifications.append(compare(dataset.records[d.record_id], d.qid, data, years.get(d.record_id)))
    csv_path = None
    if todo:
        csv_path = paths.root / VERIFY_FILE
        write_atomic(csv_path, verify_csv(verifications))
    return VerifyResult(verifications, csv_path, cache_dir)
