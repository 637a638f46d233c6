"""Web pages through the ASGI app: sign-in, escaping, the entry page's citation, source health."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from exportwatch.api.app import create_app
from exportwatch.settings import Settings
from tests.api.builder import Keys, eu_bytes


@pytest.fixture
def browser(settings: Settings, keys: Keys) -> Iterator[TestClient]:
    """A signed-in browser (member of acme), key-only data."""
    with TestClient(create_app(settings)) as c:
        r = c.post("/login", data={"key": keys.member, "next": "/"}, follow_redirects=False)
        assert r.status_code == 303
        yield c


def test_pages_redirect_to_sign_in_when_data_is_key_only(client: TestClient) -> None:
    r = client.get("/entries/eu:3A001?as_of=2022-03-01", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fentries%2Feu%3A3A001%3Fas_of%3D2022-03-01"


def test_sign_in_sets_a_strict_http_only_cookie_and_returns_to_next(settings: Settings, keys: Keys) -> None:
    with TestClient(create_app(settings)) as c:
        r = c.post("/login", data={"key": keys.readonly, "next": "/sources"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/sources"
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert c.get("/sources").status_code == 200
        assert c.post("/logout", follow_redirects=False).status_code == 303
        assert c.get("/sources", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(settings: Settings, keys: Keys, target: str) -> None:
    with TestClient(create_app(settings)) as c:
        r = c.post("/login", data={"key": keys.readonly, "next": target}, follow_redirects=False)
        assert r.headers["location"] == "/"


def test_bad_key_and_cross_site_form_are_refused(settings: Settings) -> None:
    with TestClient(create_app(settings)) as c:
        r = c.post("/login", data={"key": "ewk_nope"})
        assert r.status_code == 401 and "malformed API key" in r.text
        r = c.post("/login", data={"key": "x"}, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "another site" in r.text


def test_the_web_cookie_does_not_authenticate_the_api(browser: TestClient) -> None:
    assert browser.get("/api/sources").status_code == 401


def test_search_page_escapes_text_but_keeps_marks(browser: TestClient) -> None:
    html = browser.get("/?q=bold+alert").text
    snippet = html.split('<p class="snippet">')[1].split("</p>")[0]
    assert snippet == ("&lt;script&gt;<mark>alert</mark>(&#39;x&#39;)&lt;/script&gt; &amp; "
                       "&lt;b&gt;<mark>bold</mark>&lt;/b&gt; frequency converters")
    assert "<script>alert" not in html


def test_search_page_has_facets_and_labelled_controls(browser: TestClient) -> None:
    html = browser.get("/?q=frequency&jurisdiction=ca").text
    assert re.search(r'<input type="search" id="q" name="q" value="frequency"', html)
    assert '<label for="q">' in html
    checked = re.findall(r'name="jurisdiction" value="(\w+)"[^>]*\s+checked', html)
    assert checked == ["ca"]
    for legend in ("Jurisdiction", "Source", "Language"):
        assert f"<legend>{legend}</legend>" in html
    hits = re.findall(r'<a href="/entries/([^"]+)"><span class="code">', html)
    assert hits and all(h.startswith("ca:") for h in hits)


def test_bad_query_shows_the_reason(browser: TestClient) -> None:
    r = browser.get('/?q="open')
    assert r.status_code == 400 and "unbalanced quote" in r.text


def test_entry_page_shows_text_notes_children_and_citation(browser: TestClient) -> None:
    html = browser.get("/entries/eu:3A001.b.1").text
    assert "above 43.5 GHz" in html and "Note 1" in html
    assert hashlib.sha256(eu_bytes(2)).hexdigest() in html
    assert '<h1><span class="code">eu:3A001.b.1</span> Vacuum electronic devices</h1>' in html
    crumbs = re.findall(r'<li><a href="/entries/([^"]+)"', html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0])
    assert crumbs == ["eu:3", "eu:3A", "eu:3A001", "eu:3A001.b"]
    old = browser.get("/entries/eu:3A001.b.1?as_of=2022-02-01").text
    assert "above 31 GHz" in old and hashlib.sha256(eu_bytes(1)).hexdigest() in old
    parent = browser.get("/entries/eu:3A001.b").text
    assert 'href="/entries/eu:3A001.b.12"' in parent


def test_entry_page_escapes_hostile_text(browser: TestClient) -> None:
    html = browser.get("/entries/eu:3A001.b.12").text
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_missing_entry_is_a_404_page(browser: TestClient) -> None:
    r = browser.get("/entries/eu:9Z999")
    assert r.status_code == 404 and "<h1>Not found</h1>" in r.text and "no entry eu:9Z999" in r.text


def test_sources_page_shows_health(browser: TestClient) -> None:
    html = browser.get("/sources").text
    row = html.split('id="source-eu-annex-i"')[1].split("</tr>")[0]
    assert "2022-05-05" in row and "up to date" in row
    never = html.split('id="source-au-dsgl"')[1].split("</tr>")[0]
    assert "never" in never


def test_public_pages_need_no_sign_in(settings: Settings) -> None:
    with TestClient(create_app(dataclasses.replace(settings, public_data=True))) as c:
        assert c.get("/?q=frequency").status_code == 200
        assert c.get("/entries/eu:3A001").status_code == 200


def test_pages_carry_security_headers(browser: TestClient) -> None:
    r = browser.get("/")
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert browser.get("/static/style.css").status_code == 200


def test_entry_page_shows_feature_sections(browser: TestClient) -> None:
    html = browser.get("/entries/eu:3A001.b.1").text
    params = html.split('id="parameters"')[1].split("</section>")[0]
    assert "<td>frequency</td>" in params and "&gt; 43.5 GHz" in params
    history = html.split('id="history"')[1].split("</section>")[0]
    assert "<del> 31</del><ins> 43.5</ins>" in history
    text = re.sub(r"<[^>]+>", "", history)
    assert text.index("2022-05-05 – now") < text.index("2022-01-07 – 2022-05-05")  # newest first
    assert 'href="#history"' in html  # listed in the page's table of contents
    # An entry that never changed has no history section.
    assert 'id="history"' not in browser.get("/entries/eu:3A001.b.11").text


def test_search_page_has_a_change_facet(browser: TestClient) -> None:
    html = browser.get("/?q=vacuum+OR+converters&change_kind=added").text
    assert "<legend>Change</legend>" in html
    assert re.findall(r'name="change_kind" value="(\w+)"[^>]*\s+checked', html) == ["added"]
    hits = re.findall(r'<a href="/entries/([^"]+)"><span class="code">', html)
    assert hits == ["eu:3A001.b.12"]
    assert "added in this version" in html
