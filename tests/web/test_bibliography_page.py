"""The bibliography page and its citation files, live over HTTP and in the static site."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import httpx
import pytest

from .test_pages import assert_well_formed

pytestmark = pytest.mark.server


def test_page_lists_a_work_with_its_translation(live: str) -> None:
    r = httpx.get(live + "/bibliography", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    page = assert_well_formed(html)
    assert "Works by kind" in page.h2 and "Marxists Internet Archive writings by year" in page.h2
    assert '<a href="/id/work/conquered-city">Conquered City</a>' in html
    assert '<cite lang="fr">Ville conquise</cite>' in html
    assert '<a href="/id/translation/conquered-city-greeman-2011">Conquered City</a>' in html
    assert "translated by</span> <a href=\"/id/person/richard-greeman\">Richard Greeman</a>" in html
    assert '<span class="isbn">9781590173664</span>' in html and "NYRB Classics" in html
    assert '<a href="/bibliography" aria-current="page">Bibliography</a>' in html  # its nav link
    assert '<select id="f-kind"' in html and '<option value="Novel">Novel (1)</option>' in html
    assert "<script>" not in html and 'src="/static/bibliography.js"' in html
    # the filter form does nothing without the script, so it is hidden until the script shows it
    assert '<form id="bib-filter" class="bib-filter" hidden' in html
    assert "with their 1 translation or edition (" in html  # counts agree with their nouns


def test_page_shows_dates_in_words_and_the_mia_writings_by_year(live: str) -> None:
    html = httpx.get(live + "/bibliography", timeout=30).text
    assert '<span class="when">1932</span>' in html
    assert "March or April 1924" in html  # Lenin 1917 in the MIA list, [1924-03,1924-04] in words
    assert '<h3 id="mia-1924">1924' in html and "[1924-03,1924-04]" not in html


@pytest.mark.parametrize(("path", "media"), [("/bibliography.bib", "application/x-bibtex"),
                                              ("/bibliography?format=bib", "application/x-bibtex"),
                                              ("/bibliography.json", "application/vnd.citationstyles.csl+json"),
                                              ("/bibliography?format=json", "application/vnd.citationstyles.csl+json")])
def test_downloads_have_their_media_types(live: str, path: str, media: str) -> None:
    r = httpx.get(live + path, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == f"{media}; charset=utf-8"
    assert r.headers["content-disposition"].startswith("attachment; filename=\"serge-bibliography.")
    if media == "application/x-bibtex":
        entries = bibtexparser.parse_string(r.text).entries_dict
        assert entries["conquered-city-greeman-2011"]["isbn"] == "9781590173664"
    else:
        items = {i["id"]: i for i in r.json()}
        assert items["conquered-city-greeman-2011"]["translator"] == [{"literal": "Richard Greeman"}]


def test_unknown_download_format_is_400_naming_the_allowed(live: str) -> None:
    r = httpx.get(live + "/bibliography?format=ris", timeout=30)
    assert r.status_code == 400 and "bib, bibtex, json, csl-json" in r.text


def test_view_queries_are_served_as_json(live: str) -> None:
    r = httpx.get(live + "/queries/bibliography-editions", headers={"Accept": "application/sparql-results+json"},
                  timeout=30)
    rows = r.json()["results"]["bindings"]
    assert r.status_code == 200 and [b["isbn"]["value"] for b in rows] == ["9781590173664"]


def test_static_site_has_the_page_and_both_files(static_site: Path) -> None:
    html = (static_site / "bibliography.html").read_text(encoding="utf-8")
    assert 'href="bibliography.bib"' in html and 'href="bibliography.json"' in html
    assert 'href="id/translation/conquered-city-greeman-2011.html"' in html
    assert 'src="static/bibliography.js"' in html and (static_site / "static" / "bibliography.js").is_file()
    assert "conquered-city-greeman-2011" in (static_site / "bibliography.bib").read_text(encoding="utf-8")
    assert any(i["id"] == "conquered-city" for i in json.loads((static_site / "bibliography.json").read_bytes()))
    assert 'href="bibliography.html" aria-current="page"' in html
    assert 'href="../../bibliography.html"' in (static_site / "id" / "person" / "victor-serge.html").read_text()
