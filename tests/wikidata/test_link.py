"""serge-kg link: report, candidates and verify, against a local server replaying recorded Wikidata answers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from serge_kg.cli.main import main
from serge_kg.errors import LinkingError
from serge_kg.paths import Paths
from serge_kg.pipeline.decisions import HEADER
from serge_kg.pipeline.records import load_dataset
from serge_kg.wikidata.api import (
    USER_AGENT,
    Endpoints,
    SearchHit,
    WikidataClient,
    WikidataUnavailable,
    parse_entity_body,
)
from serge_kg.wikidata.candidates import CANDIDATES_HEADER, score_candidate
from serge_kg.wikidata.common import (
    STATUSES,
    WikidataTime,
    compare,
    is_linkable,
    life_years,
    normalize_name,
    wikidata_times,
)

pytestmark = pytest.mark.server
REPLAY = Path(__file__).resolve().parents[1] / "data" / "wikidata-replay"
HOW = "test fixture: label and dates compared with the replayed entity data"
FAST = ["--pause", "0", "--backoff", "0", "--timeout", "5"]


# the replay server -------------------------------------------------------------------------------
@dataclass
class Replay:
    """What the server was asked, and the failures it is told to answer first."""

    url: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # seconds to stall before answering, request by request

    def reset(self) -> None:
        self.requests.clear()
        self.failures.clear()
        self.delays.clear()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _handler(state: Replay) -> type[BaseHTTPRequestHandler]:
    redirects = json.loads((REPLAY / "redirects.json").read_text())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                  ctype: str = "application/json; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.requests.append((self.path, dict(self.headers.items())))
            if state.delays:
                time.sleep(state.delays.pop(0))
            if state.failures:
                status, headers, body = state.failures.pop(0)
                self._send(status, body, headers, "text/plain" if status != 200 else "application/json")
                return
            url = urlsplit(self.path)
            if url.path == "/w/api.php":
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                assert q["action"] == "wbsearchentities" and q["format"] == "json" and q["type"] == "item"
                path = REPLAY / "wbsearchentities" / f"{_slug(q['search'])}.json"
                body = path.read_bytes() if path.exists() else json.dumps(
                    {"searchinfo": {"search": q["search"]}, "search": [], "success": 1}).encode()
                self._send(200, body)
                return
            m = re.fullmatch(r"/wiki/Special:EntityData/(Q\d+)\.json", url.path)
            if m and m.group(1) in redirects:
                self._send(301, b"", {"Location": f"/wiki/Special:EntityData/{redirects[m.group(1)]}.json"})
            elif m and (REPLAY / "entitydata" / f"{m.group(1)}.json").exists():
                self._send(200, (REPLAY / "entitydata" / f"{m.group(1)}.json").read_bytes())
            else:
                self._send(404, b"<!DOCTYPE html><title>Not Found</title>No entity with this ID.",
                           ctype="text/html; charset=utf-8")

    return Handler


@pytest.fixture(scope="module")
def _server() -> Iterator[Replay]:
    state = Replay()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def replay(_server: Replay) -> Replay:
    """The replay server, with no recorded requests and no queued failures."""
    _server.reset()
    return _server


@pytest.fixture
def closed_port() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/w/api.php"


def client(url: str, **kw: object) -> WikidataClient:
    opts: dict[str, object] = {"timeout": 5.0, "retries": 2, "backoff": 0.0, "pause": 0.0, **kw}
    return WikidataClient(url, **opts)  # type: ignore[arg-type]


# helpers -----------------------------------------------------------------------------------------
def write_decisions(paths: Paths, rows: list[list[str]]) -> Path:
    path = paths.data / "wikidata" / "decisions.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows([[*r, HOW] for r in rows])
    return path


def run(paths: Paths, *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, ["--root", str(paths.root), "link", *args])
    return res.exit_code, res.stdout, res.stderr


def read_csv(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# the HTTP client ---------------------------------------------------------------------------------
def test_endpoints_from_a_site_or_its_api(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Endpoints.from_url("https://www.wikidata.org/w/api.php") == Endpoints(
        "https://www.wikidata.org/w/api.php", "https://www.wikidata.org/wiki/Special:EntityData/")
    monkeypatch.setenv("SERGE_KG_WIKIDATA_API", "http://127.0.0.1:9/")
    assert Endpoints.from_url(None).api == "http://127.0.0.1:9/w/api.php"
    with pytest.raises(LinkingError, match="not an http"):
        Endpoints.from_url("www.wikidata.org")


def test_search_parses_the_api_answer_and_sends_our_user_agent(replay: Replay) -> None:
    with client(replay.url) as wd:
        hits = wd.search("Leon Trotsky")
    assert [h.qid for h in hits] == ["Q33391", "Q99999911", "Q99999912"]
    assert hits[0].label == "Leon Trotsky" and "(1879–1940)" in hits[0].description
    assert hits[0].match_type == "label" and hits[0].rank == 0
    path, headers = replay.requests[0]
    assert headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("serge-kg/0.1.0 (https://") and " httpx/" in USER_AGENT
    query = parse_qs(urlsplit(path).query)
    assert query["language"] == ["en"] and query["uselang"] == ["en"] and query["limit"] == ["5"]
    assert query["maxlag"] == ["5"]


def test_retries_after_503_then_succeeds_honouring_retry_after(replay: Replay) -> None:
    waits: list[float] = []
    replay.failures += [(503, {"Retry-After": "2"}, b"busy"), (429, {}, b"slow down")]
    with client(replay.url, backoff=0.25, sleep=waits.append) as wd:
        hits = wd.search("Leon Trotsky")
    assert hits[0].qid == "Q33391"
    assert len(replay.requests) == 3
    assert all(h["User-Agent"] == USER_AGENT for _, h in replay.requests)
    assert waits == [2.0, 0.5]  # Retry-After, then back-off 0.25 doubled


def test_retry_after_is_capped_and_maxlag_is_retried(replay: Replay) -> None:
    waits: list[float] = []
    maxlag = json.dumps({"error": {"code": "maxlag", "info": "Waiting for a database server: 7 seconds lagged.",
                                   "host": "db1", "lag": 7}}).encode()
    replay.failures += [(503, {"Retry-After": "3600"}, b"busy"),
                        (200, {"Retry-After": "5", "MediaWiki-API-Error": "maxlag"}, maxlag)]
    with client(replay.url, max_wait=1.5, sleep=waits.append) as wd:
        assert wd.search("Leon Trotsky")
    assert waits == [1.5, 1.5]


def test_a_timeout_is_retried(replay: Replay) -> None:
    replay.delays.append(0.5)
    with client(replay.url, timeout=0.1) as wd:
        data = wd.entity("Q239")
    assert data is not None and data.qid == "Q239"
    assert len(replay.requests) == 2


def test_retries_exhausted_raise_linking_error(replay: Replay) -> None:
    replay.failures += [(503, {}, b"down")] * 5
    with client(replay.url, retries=2) as wd, pytest.raises(WikidataUnavailable) as exc:
        wd.search("Leon Trotsky")
    assert isinstance(exc.value, LinkingError)
    assert len(replay.requests) == 3
    assert f"cannot reach Wikidata at {replay.url}/w/api.php: HTTP 503" in str(exc.value)
    assert "after 3 attempts" in str(exc.value)


def test_unreachable_server_raises_linking_error(closed_port: str) -> None:
    with client(closed_port, retries=1) as wd, pytest.raises(LinkingError, match="cannot reach Wikidata at http://127"):
        wd.entity("Q362009")


def test_entity_data_redirect_and_missing_item(replay: Replay) -> None:
    with client(replay.url) as wd:
        serge = wd.entity("Q362009")
        merged = wd.entity("Q99999902")
        gone = wd.entity("Q99999903")
    assert serge is not None and not serge.redirected and serge.entity["labels"]["en"]["value"] == "Victor Serge"
    assert merged is not None and merged.redirected and merged.qid == "Q239" and merged.requested == "Q99999902"
    assert gone is None


# names, dates and scores -------------------------------------------------------------------------
def test_names_are_compared_without_case_accents_or_punctuation() -> None:
    assert normalize_name("Léon  TROTSKI!") == normalize_name("leon trotski")
    assert normalize_name("Vladímir Ilyich  Lenin") == "vladimir ilyich lenin"
    assert normalize_name("Ви́ктор Льво́вич") == "виктор львович"


def test_wikidata_times_precision_and_calendar() -> None:
    def claim(time: str, precision: int, cal: str = "Q1985727", rank: str = "normal") -> dict[str, object]:
        return {"rank": rank, "mainsnak": {"snaktype": "value", "datavalue": {"type": "time", "value": {
            "time": time, "precision": precision, "calendarmodel": f"http://www.wikidata.org/entity/{cal}"}}}}
    entity = {"claims": {"P569": [claim("+1890-12-30T00:00:00Z", 11), claim("+1889-00-00T00:00:00Z", 9, rank="deprecated"),
                                  {"rank": "normal", "mainsnak": {"snaktype": "somevalue"}}],
                         "P570": [claim("+1947-12-25T00:00:00Z", 11, cal="Q1985786"), claim("+1940-00-00T00:00:00Z", 8)]}}
    assert wikidata_times(entity, "P569") == [WikidataTime(1890, 11)]
    julian, decade = wikidata_times(entity, "P570")
    assert julian.year == 1948  # 25 December 1947 Julian is 7 January 1948 Gregorian
    assert decade.matches((1947, 1947)) and str(decade) == "1940s" and not decade.matches((1950, 1951))


def test_score_prefers_the_right_item(mini: Paths) -> None:
    ds = load_dataset(mini.data)
    city = ds.records["mexico-city"]

    def hit(label: str, description: str) -> SearchHit:
        return SearchHit("Q1", label, description, "label", label, 0)
    assert score_candidate(city, hit("Mexico City", "capital and largest city of Mexico"), set()) == 80.0
    assert score_candidate(city, hit("Mexico City", "Wikimedia disambiguation page"), set()) == 40.0
    serge = ds.records["victor-serge"]
    years = {1890, 1947}
    assert score_candidate(serge, hit("Victor Serge", "Russian revolutionary and writer (1890–1947)"), years) == 100.0
    assert score_candidate(serge, hit("Victor Serge", "French cyclist (1901–1960)"), years) == 70.0


# report ------------------------------------------------------------------------------------------
ROWS = [
    ["victor-serge", "Q362009", "same"],
    ["brussels", "Q239", "same"],
    ["vlady", "Q1394", "no"],
    ["leon-trotsky", "Q33391", "unsure"],
    ["leon-trotsky", "Q33391", "no"],  # conflicting: the same QID with two decisions
    ["jean-riere", "Q362009", "unsure"],  # duplicate: Serge's QID for another record
    ["orenburg", "Q99999950", "no"],
    ["orenburg", "Q99999951", "no"],
]


def test_report_counts_equal_the_decisions_and_the_dataset(mini: Paths) -> None:
    write_decisions(mini, ROWS)
    ds = load_dataset(mini.data)
    named = {r[0] for r in ROWS}
    expected: dict[str, Counter[str]] = {}
    for rec in ds.records.values():
        if not (is_linkable(rec) or rec.id in named):
            continue
        decisions = {r[2] for r in ROWS if r[0] == rec.id}
        status = ("linked" if "same" in decisions else "unsure" if "unsure" in decisions
                  else "no" if decisions else "unlinked")
        expected.setdefault(rec.kind, Counter())[status] += 1
    assert expected["person"] == Counter(linked=1, unsure=2, no=1, unlinked=3)
    assert expected["place"] == Counter(linked=1, no=1, unlinked=3)

    code, out, err = run(mini, "report", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    got: dict[str, Counter[str]] = {}
    for row in rows:
        got.setdefault(row["kind"], Counter())[row["status"]] += 1
    assert got == expected
    assert {r["record_id"]: r["qid"] for r in rows}["leon-trotsky"] == "Q33391"
    assert "QID in several records Q362009" in {r["record_id"]: r["issues"] for r in rows}["jean-riere"]

    code, out, err = run(mini, "report")
    assert code == 0, err
    for kind, c in expected.items():
        line = next(ln for ln in out.splitlines() if ln.startswith(kind + " "))
        total = sum(c.values())
        share = f"{100 * c['linked'] / total:.1f}%"
        assert line.split() == [kind, str(total), *(str(c[s]) for s in STATUSES), share]
    total = sum(sum(c.values()) for c in expected.values())
    linked = sum(c["linked"] for c in expected.values())
    assert f"{linked} of {total} linkable records linked" in out
    unlinked_section = out.split("Unlinked:")[1].split("Duplicates")[0]
    assert "liuba-russakova" in unlinked_section and "Liuba Russakova" in unlinked_section
    assert "victor-serge" not in unlinked_section and "orenburg" not in unlinked_section
    assert "Duplicates and conflicting rows: 2" in out
    assert re.search(r"QID in several records\s+Q362009\s+victor-serge, jean-riere", out)
    assert re.search(r"conflicting rows\s+Q33391\s+leon-trotsky\s+different decisions: unsure \(line 5\); no \(line 6\)",
                     out)
    assert "not checked (run serge-kg link verify)" in out
    assert "left out" in out and "relation" in out


def test_report_writes_a_file_with_o(mini: Paths, tmp_path: Path) -> None:
    write_decisions(mini, ROWS[:2])
    target = tmp_path / "out" / "report.csv"
    code, out, err = run(mini, "report", "--format", "csv", "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert target.read_text().splitlines()[0] == "record_id,kind,type,label,status,qid,verify,issues,geonameid,coordinates"


# candidates --------------------------------------------------------------------------------------
def test_candidates_writes_scored_rows_overwrites_and_never_touches_decisions(mini: Paths, replay: Replay) -> None:
    decisions = write_decisions(mini, [["victor-serge", "Q362009", "same"], ["brussels", "Q239", "same"],
                                       ["vlady", "Q1394", "no"]])
    before = sha(decisions)
    code, out, err = run(mini, "candidates", "--api", replay.url, *FAST)
    assert code == 0, err
    target = mini.data / "wikidata" / "candidates.csv"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# GENERATED by `serge-kg link candidates`") and "decisions.csv" in text.splitlines()[0]
    rows = read_csv(target)
    assert list(rows[0]) == CANDIDATES_HEADER
    ids = [r["record_id"] for r in rows]
    assert ids == sorted(ids)
    # only records without any decision row were searched
    assert not {"victor-serge", "brussels", "vlady"} & set(ids)
    assert {"leon-trotsky", "mexico-city", "conquered-city", "ogpu", "liuba-russakova"} <= set(ids)
    trotsky = [(r["candidate_qid"], r["score"]) for r in rows if r["record_id"] == "leon-trotsky"]
    assert trotsky == [("Q33391", "80.0"), ("Q99999912", "45.4"), ("Q99999911", "40.0")]
    city = [r for r in rows if r["record_id"] == "mexico-city"]
    assert city[0]["candidate_qid"] == "Q1489" and city[0]["candidate_label"] == "Mexico City"
    scores = [float(r["score"]) for r in city]
    assert scores == sorted(scores, reverse=True)
    novel = [r["candidate_qid"] for r in rows if r["record_id"] == "conquered-city"]
    assert novel == ["Q99999931", "Q99999932"]  # the novel of 1932 beats the film the API listed first
    ogpu = next(r for r in rows if r["record_id"] == "ogpu")
    assert ogpu["candidate_label"] == "Joint State Political Directorate" and float(ogpu["score"]) >= 80
    nothing = next(r for r in rows if r["record_id"] == "liuba-russakova")
    assert nothing["candidate_qid"] == "" and nothing["score"] == ""
    searched = len({r["record_id"] for r in rows})
    assert f"[{searched}/{searched}]" in err and f"[1/{searched}]" in err
    assert f"searched {searched} records" in out
    assert sha(decisions) == before

    # a second run overwrites the file (here: places only), atomically, leaving no temporary file
    code, out, err = run(mini, "candidates", "--api", replay.url, "--kind", "place", *FAST)
    assert code == 0, err
    rows = read_csv(target)
    assert {r["kind"] for r in rows} == {"place"} and "leon-trotsky" not in {r["record_id"] for r in rows}
    assert sorted(p.name for p in target.parent.iterdir()) == ["candidates.csv", "decisions.csv"]
    assert sha(decisions) == before


def test_candidates_offline_exits_2_and_writes_nothing(mini: Paths, closed_port: str) -> None:
    write_decisions(mini, [["victor-serge", "Q362009", "same"]])
    code, out, err = run(mini, "candidates", "--api", closed_port, "--retries", "1", *FAST)
    assert code == 2
    assert "error: cannot reach Wikidata at http://127.0.0.1:" in err and "no candidates were written" in err
    assert "Traceback" not in out + err
    assert not (mini.data / "wikidata" / "candidates.csv").exists()


# verify ------------------------------------------------------------------------------------------
def test_verify_all_match_exits_0_and_writes_results_and_cache(mini: Paths, replay: Replay) -> None:
    write_decisions(mini, [["victor-serge", "Q362009", "same"], ["brussels", "Q239", "same"],
                           ["leon-trotsky", "Q33391", "unsure"]])
    code, out, err = run(mini, "verify", "--api", replay.url, *FAST)
    assert code == 0, out + err
    assert "verified 2 of 2 QIDs" in out and "finding" not in out
    assert "[1/2] Q239 (brussels)" in err and "[2/2] Q362009 (victor-serge)" in err
    rows = read_csv(mini.build / "wikidata-verify.csv")
    assert {(r["record_id"], r["field"], r["result"]) for r in rows} == {
        ("brussels", "label", "match"), ("victor-serge", "label", "match"),
        ("victor-serge", "birth year", "match"), ("victor-serge", "death year", "match")}
    assert {r["verdict"] for r in rows} == {"verified"}
    cached = json.loads((mini.build / "wikidata-cache" / "Q362009.json").read_text())
    assert cached["entities"]["Q362009"]["labels"]["en"]["value"] == "Victor Serge"
    # the report now compares against the cache
    code, out, _ = run(mini, "report")
    assert "checked 2 'same' links" in out and "not checked (run" not in out


def test_verify_flags_wrong_years_wrong_label_and_redirect(mini: Paths, replay: Replay) -> None:
    decisions = write_decisions(mini, [
        ["victor-serge", "Q99999901", "same"],  # a namesake: same name, other dates
        ["vlady", "Q1394", "same"],  # the wrong person: Lenin
        ["brussels", "Q99999902", "same"],  # merged into Q239
        ["leon-trotsky", "Q33391", "same"],  # right, but we hold no dates for him: label only
    ])
    before = sha(decisions)
    code, out, err = run(mini, "verify", "--api", replay.url, *FAST)
    assert code == 1, out + err
    table = out.split("finding(s):")[1]
    assert re.search(r"victor-serge\s+Q99999901\s+birth year\s+1890\s+1901", table)
    assert re.search(r"victor-serge\s+Q99999901\s+death year\s+1947\s+1960", table)
    assert re.search(r"vlady\s+Q1394\s+label\s+Vlady\s+Vladimir Lenin \(and \d+ other labels/aliases\)", table)
    assert "Q99999902 redirected to Q239" in out
    assert "verified 0 of 4 QIDs (1 unconfirmed, 2 mismatch, 1 redirected)" in out
    assert "unconfirmed (label matches; no birth/death year to compare): leon-trotsky Q33391" in out
    rows = read_csv(mini.build / "wikidata-verify.csv")
    verdicts = {r["record_id"]: r["verdict"] for r in rows}
    assert verdicts == {"victor-serge": "mismatch", "vlady": "mismatch", "brussels": "redirected",
                        "leon-trotsky": "unconfirmed"}
    assert {r["resolved_qid"] for r in rows if r["record_id"] == "brussels"} == {"Q239"}
    assert sha(decisions) == before
    # the report shows the same disagreements from the cache, without the network
    code, out, _ = run(mini, "report")
    section = out.split("QIDs that disagree with a fact we hold")[1]
    assert "victor-serge" in section and "1901" in section and "vlady" in section
    assert "Q99999902 redirected to Q239" in section


def test_verify_one_qid_and_a_deleted_item(mini: Paths, replay: Replay) -> None:
    write_decisions(mini, [["victor-serge", "Q362009", "same"], ["brussels", "Q99999903", "same"]])
    code, out, err = run(mini, "verify", "--api", replay.url, "--qid", "Q99999903", *FAST)
    assert code == 1, out + err
    assert re.search(r"brussels\s+Q99999903\s+item\s+Q99999903\s+no such item on Wikidata", out)
    assert len(replay.requests) == 1
    code, out, err = run(mini, "verify", "--api", replay.url, "--qid", "Q33391", *FAST)
    assert code == 2 and "Q33391: not a 'same' QID" in err


def test_verify_offline_exits_2_with_a_clear_message(mini: Paths, closed_port: str) -> None:
    write_decisions(mini, [["victor-serge", "Q362009", "same"]])
    code, out, err = run(mini, "verify", "--api", closed_port, "--retries", "1", *FAST)
    assert code == 2
    assert re.search(r"error: cannot reach Wikidata at http://127\.0\.0\.1:\d+/wiki/Special:EntityData/Q362009\.json: "
                     r"ConnectError.*; nothing was verified", err)
    assert "Traceback" not in out + err
    assert not (mini.build / "wikidata-verify.csv").exists()


def test_compare_uses_every_name_and_life_dates(mini: Paths) -> None:
    ds = load_dataset(mini.data)
    years = life_years(ds)
    assert years["victor-serge"] == {"birth": (1890, 1890), "death": (1947, 1947)}
    data = parse_entity_body("Q362009", (REPLAY / "entitydata" / "Q362009.json").read_bytes())
    # a Russian alias matches a birth name (stress marks and case ignored)
    rec = ds.records["victor-serge"]
    rec.data.update(label="Serge, V.", pseudonyms=[], birth_names=[n for n in rec.data["birth_names"] if n["lang"] == "ru"])
    v = compare(rec, "Q362009", data, years["victor-serge"])
    assert v.verdict == "verified"
    assert [c.theirs for c in v.checks if c.field == "label"] == ["Виктор Львович Кибальчич (ru)"]
