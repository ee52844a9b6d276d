"""Every route answers a browser with a page in one layout; errors say what was asked and suggest."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

HTML = {"Accept": "text/html,application/xhtml+xml"}
NAV = '<nav aria-label="Main">'


@pytest.fixture(scope="module")
def client(built_seed):
    with TestClient(create_app(built_seed.store_path)) as test_client:
        yield test_client


@pytest.mark.parametrize("path,needle", [
    ("/", "Which issues were unresolved on a date?"),
    ("/issues", "Definition of heavy missiles"),
    ("/issues?unresolved_on=1972-05-20", "ssues unresolved on 1972-05-20"),
    ("/search?q=heavy+missiles", "read the passage"),
    ("/search", "Search the documents"),
    ("/events?type=Rejection", "rejection"),
    ("/documents", "FRUS 1969–1976, vol. XIV, doc. 247"),
    ("/people/kissinger/connections", "Correspondence and meetings"),
    ("/issue/mobile-icbms", "Each side's positions over time"),
    ("/person/kissinger", "Correspondence and meetings"),
    ("/document/frus1969-76v14-d247", "Stances and acts"),
])
def test_pages_for_browsers_share_the_layout(client, path, needle):
    page = client.get(path, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert NAV in page.text and needle in page.text


def test_the_same_routes_answer_json_otherwise(client):
    for path in ("/issues", "/search?q=heavy", "/events", "/people/kissinger/connections", "/documents"):
        answer = client.get(path)
        assert answer.headers["content-type"].startswith("application/json") and "items" in answer.json(), path
    assert client.get("/issues", params={"format": "json"}, headers=HTML).json()["items"]


def test_not_found_says_what_was_asked_and_suggests(client):
    page = client.get("/person/kisinger", headers=HTML)
    assert page.status_code == 404 and NAV in page.text
    assert "/person/kisinger" in page.text and '<a href="/person/kissinger">Henry A. Kissinger</a>' in page.text
    issue = client.get("/issues/mobile-icbm", headers=HTML)
    assert issue.status_code == 404 and '<a href="/issue/mobile-icbms">Mobile ICBMs</a>' in issue.text
    nowhere = client.get("/nothing/here", headers=HTML)
    assert nowhere.status_code == 404 and "/nothing/here" in nowhere.text
    assert client.get("/person/kisinger").status_code == 404  # machines still get RDF-style plain answers
    assert client.get("/people/kisinger/connections").json()["detail"].startswith("no person")


def test_bad_input_from_a_browser_is_an_html_400(client):
    page = client.get("/issues", params={"unresolved_on": "1972-02-30"}, headers=HTML)
    assert page.status_code == 400 and NAV in page.text and "1972-02-30" in page.text
    limit = client.get("/issues", params={"limit": 0}, headers=HTML)
    assert limit.status_code == 400 and "limit" in limit.text
    assert client.get("/issues", params={"unresolved_on": "1972-02-30"}).json()["detail"].startswith("unresolved_on")


def test_docs_and_redoc_load_nothing_remote(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))], path
        for source in sources:
            assert client.get(source).status_code == 200, source
    bundle = client.get("/static/docs/redoc.standalone.js").text
    assert "cdn.redoc.ly" not in bundle
    assert client.get("/static/docs/../app.py").status_code == 404


def test_issue_page_reads_like_a_historian_wrote_it(client):
    page = client.get("/issue/mobile-icbms", headers=HTML).text
    assert "textPattern" not in page and "mobile ICBM[" not in page  # recognition patterns are internal
    assert "ClosedWithoutAgreement" not in page.split("<details")[0]
    assert "closed without agreement" in page and "What the statuses mean" in page
    assert "Whether the agreement bans or limits land-mobile ICBM launchers." in page
    assert '<span class="side ussr">Soviet Union</span>' in page and '<span class="side us">United States</span>' in page
    assert "FRUS 1969–1976, vol. XIV, doc. 247, para. 2" in page
    assert 'href="/document/frus1969-76v14-d247#passage-746-961"' in page
    assert 'class="span"' in page and "/view/timeline?issue=mobile-icbms" in page
    assert 'href="/issue/icbm-limits"' in page  # its broader issue


def test_person_page_links_to_connections_network_and_wikidata_once(client):
    page = client.get("/person/kissinger", headers=HTML).text
    assert 'href="/people/kissinger/connections"' in page and 'href="/view/entity/person/kissinger"' in page
    assert page.count(">Wikidata</a>") == 1
    assert "Assistant to the President for National Security Affairs" in page
    log = page.split('id="log"')[1].split("</table>")[0]
    assert log.count('href="/document/frus1969-76v14-d247"') == 1
    assert 'href="/message/wh-21375"' in log and 'href="/message/wh-21372"' not in log  # embodied: listed as its document


def test_document_reader(client):
    page = client.get("/document/frus1969-76v14-d247", headers=HTML).text
    article = page.split("<article")[1].split("</article>")[0]
    assert article.index("Backchannel Message From") < article.index('class="footnotes"')  # text first, notes apart
    assert '<div class="page-break" role="note">page 957</div>' in article
    assert 'your 408</a>.<sup class="fn-call"><a href="#fn-2"' in article  # the call is not glued to the number
    assert '(<a href="/person/smith-gerard"' in article and "(Smith)1" not in article
    assert 'id="passage-962-1009" class="x-stance side-us"' in article
    assert 'id="passage-746-961" class="x-stance side-ussr"' in article
    assert 'class="x-mention side-ussr"' in article and 'href="/person/kissinger"' in article
    assert 'title="rejection (United States), 1972-05-19 — FRUS 1969–1976, vol. XIV, doc. 247, para. 2"' in article
    margin = page.split('<aside class="margin"')[1].split("</aside>")[0]
    assert 'href="#passage-962-1009"' in margin and "Henry A. Kissinger" in margin
    assert page.index("</article>") < page.index('id="statements"')  # raw statements below
    assert client.get("/documents/frus1969-76v14-d247", headers=HTML, follow_redirects=False).headers["location"] \
        == "/document/frus1969-76v14-d247"


def test_passage_page_links_into_the_reader(client):
    page = client.get("/passage/frus1969-76v14-d247/87-96", headers=HTML).text
    assert 'href="/document/frus1969-76v14-d247#passage-87-96"' in page
    assert "FRUS 1969–1976, vol. XIV, doc. 247, heading" in page


def test_statuses_in_plain_words_everywhere(client):
    for path in ("/issues", "/issues?unresolved_on=1972-05-27", "/view/network?as_of=1972-05-27", "/view/timeline"):
        page = client.get(path, headers=HTML).text
        visible = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
        assert "ClosedWithoutAgreement" not in visible and "NotYetRaised" not in visible, path
    network = client.get("/view/network", params={"as_of": "1972-05-27"}, headers=HTML).text
    assert 'id="status-legend"' in network and "closed without agreement" in network


def test_hostile_query_is_escaped(client):
    page = client.get("/search", params={"q": '<script>alert(1)</script>'}, headers=HTML).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
