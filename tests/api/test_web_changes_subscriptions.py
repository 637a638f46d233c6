"""The changes feed (/changes) and the team's subscriptions (/subscriptions) in the web UI,
through the ASGI app over the small store of tests/api/builder.py. Its changes: EU 2022-01-07 ->
2022-05-05 amends 3A001.b.1 (31 GHz -> 43.5 GHz) and adds 3A001.b.12 (hostile HTML text)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from alerts import subscriptions as subs
from exportwatch.api.app import create_app
from exportwatch.settings import Settings
from exportwatch.web.pages.changes import newest_first
from indexer.changes import list_changes
from indexer.store import Store
from tests.api.builder import Keys, build


def _signed_in(settings: Settings, key: str) -> TestClient:
    c = TestClient(create_app(settings), raise_server_exceptions=False)
    c.__enter__()
    r = c.post("/login", data={"key": key, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    return c


@pytest.fixture
def member(settings: Settings, keys: Keys) -> Iterator[TestClient]:
    c = _signed_in(settings, keys.member)
    yield c
    c.__exit__(None, None, None)


def _rows(html: str, table: str) -> list[str]:
    body = html[html.index(f'<table class="{table}"'):html.index("</table>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr id=.*?</tr>", body, flags=re.S)]


# ---- /changes -------------------------------------------------------------------------------

def test_changes_page_lists_changes_with_links_and_escaped_text(member: TestClient) -> None:
    r = member.get("/changes")
    assert r.status_code == 200
    rows = _rows(r.text, "changes")
    assert len(rows) == 2
    assert rows[0].startswith("2022-01-07 → 2022-05-05 EU dual-use list eu:3A001.b.1 amended substantive")
    assert "31 GHz -&gt; &gt; 43.5 GHz" in rows[0]
    assert "eu:3A001.b.12 added" in rows[1]
    assert 'href="/entries/eu:3A001.b.1"' in r.text and 'href="/entries/eu:3A001.b.12"' in r.text
    assert "<script>alert" not in r.text and "&lt;script&gt;alert(&#39;x&#39;)" in r.text
    # Accessible markup: every control labelled, table headers scoped, the nav link current.
    for control in re.findall(r'<(?:select|input)[^>]*\bid="([^"]+)"', r.text):
        assert f'<label for="{control}"' in r.text, control
    assert '<th scope="col">Entry</th>' in r.text and '<th scope="row">' in r.text
    assert '<a href="/changes" aria-current="page">Changes</a>' in r.text


@pytest.mark.parametrize(("query", "expected"), [
    ("kind=added", ["eu:3A001.b.12"]),
    ("kind=amended", ["eu:3A001.b.1"]),
    ("kind=removed", []),
    ("source=eu-annex-i", ["eu:3A001.b.1", "eu:3A001.b.12"]),
    ("source=ca-ecl", []),  # one Canadian version: nothing to compare
    ("jurisdiction=eu", ["eu:3A001.b.1", "eu:3A001.b.12"]),
    ("jurisdiction=ca", []),
    ("since=2022-05-05", ["eu:3A001.b.1", "eu:3A001.b.12"]),
    ("since=2022-05-06", []),
])
def test_changes_filters(member: TestClient, query: str, expected: list[str]) -> None:
    r = member.get(f"/changes?{query}")
    assert r.status_code == 200
    shown = re.findall(r'<a href="/entries/[^"]+" class="code">([^<]+)</a>', r.text)
    assert shown == expected
    name, value = query.split("=")
    assert (f'value="{value}" selected' in r.text) or (f'name="{name}" value="{value}"' in r.text)


def test_changes_pages(member: TestClient) -> None:
    first = member.get("/changes?limit=1")
    assert re.findall(r'class="code">([^<]+)</a>', first.text) == ["eu:3A001.b.1"]
    assert "Showing 1–1 of 2" in first.text
    assert 'href="/changes?limit=1&amp;offset=1" rel="next"' in first.text and 'rel="prev"' not in first.text
    second = member.get("/changes?limit=1&offset=1")
    assert re.findall(r'class="code">([^<]+)</a>', second.text) == ["eu:3A001.b.12"]
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


@pytest.mark.parametrize(("query", "message"), [
    ("since=yesterday", "is not a date"), ("kind=exploded", "unknown kind of change"),
    ("source=nope", "unknown source"), ("jurisdiction=zz", "unknown jurisdiction")])
def test_changes_bad_filter_says_why(member: TestClient, query: str, message: str) -> None:
    r = member.get(f"/changes?{query}")
    assert r.status_code == 400 and message in r.text and 'role="alert"' in r.text


def test_changes_page_needs_sign_in_when_data_is_key_only(client: TestClient) -> None:
    r = client.get("/changes", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fchanges"


def test_newest_version_pair_comes_first(settings: Settings) -> None:
    with Store(settings.store_path) as store:
        found = list_changes(store)
    assert len(found) == 2
    amended, added = found
    # A later pair of versions (as a third EU version would make): shown before the older pair.
    cs = amended.change_set
    later = dataclasses.replace(cs, id=cs.id + 1, to_version=dataclasses.replace(
        cs.to_version, version_date=dt.date(2023, 1, 1)))
    newer = dataclasses.replace(added, change_set=later, seq=1)
    assert newest_first([amended, added, newer]) == [newer, amended, added]


# ---- /subscriptions -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Keys]:
    """A store of its own: these tests create and delete subscriptions."""
    return build(tmp_path_factory.mktemp("websubs") / "site")


@pytest.fixture
def acme(site: tuple[Settings, Keys]) -> Iterator[TestClient]:
    c = _signed_in(site[0], site[1].member)
    yield c
    c.__exit__(None, None, None)


def _create(c: TestClient, **fields: str) -> TestClient:
    form = {"name": "Microwave tubes", "kind": "code", "jurisdiction": "eu", "codes": "3A001.b.1",
            "frequency": "daily", "significance": "substantive", "channel": "feed", **fields}
    r = c.post("/subscriptions", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/subscriptions?created=")
    return c


def _sub_id(html: str, name: str) -> int:
    found = re.search(rf'<tr id="subscription-(\d+)">\s*<th scope="row">{re.escape(name)}</th>', html)
    assert found, name
    return int(found.group(1))


def test_not_signed_in_goes_to_login(site: tuple[Settings, Keys]) -> None:
    with TestClient(create_app(dataclasses.replace(site[0], public_data=True))) as c:
        r = c.get("/subscriptions", follow_redirects=False)  # even with public data: a team's own page
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fsubscriptions"
        assert c.post("/subscriptions", data={"name": "x"}, follow_redirects=False).status_code == 303


def test_create_lists_and_stores_the_subscription(acme: TestClient, site: tuple[Settings, Keys]) -> None:
    _create(acme, name="Synthesisers <b>", codes="3A001.b.11, 3A001.b.12", include_equivalents="1")
    r = acme.get("/subscriptions")
    assert r.status_code == 200
    sub_id = _sub_id(r.text, "Synthesisers &lt;b&gt;")
    row = next(x for x in _rows(r.text, "subscriptions") if x.startswith("Synthesisers"))
    assert "code eu: 3A001.b.11, 3A001.b.12 and equivalents elsewhere Atom feed daily · substantive" in row
    with Store(site[0].store_path) as store:
        sub = subs.get(store, sub_id)
    assert sub.name == "Synthesisers <b>" and sub.spec.codes == ["3A001.b.11", "3A001.b.12"]
    assert sub.spec.include_equivalents and [c.kind for c in sub.channels] == ["feed"]
    assert f'href="/api/feeds/{sub.feed_token}.atom"' in r.text


@pytest.mark.parametrize(("fields", "stored"), [
    ({"kind": "search", "query": '"frequency synthesiser"', "jurisdiction": "eu, ca"},
     {"kind": "search", "query": '"frequency synthesiser"', "jurisdictions": ["eu", "ca"]}),
    ({"kind": "term", "term": "technology", "jurisdiction": ""}, {"kind": "term", "term": "technology"}),
    ({"kind": "source", "sources": "eu-annex-i ca-ecl", "jurisdiction": ""},
     {"kind": "source", "sources": ["eu-annex-i", "ca-ecl"]}),
])
def test_create_other_kinds(acme: TestClient, site: tuple[Settings, Keys], fields: dict[str, str],
                            stored: dict[str, object]) -> None:
    name = f"kind {fields['kind']}"
    _create(acme, name=name, **fields)
    sub_id = _sub_id(acme.get("/subscriptions").text, name)
    with Store(site[0].store_path) as store:
        spec = subs.spec_json(subs.get(store, sub_id))
    assert {k: spec[k] for k in stored} == stored


def test_create_with_webhook(acme: TestClient, site: tuple[Settings, Keys]) -> None:
    # A public address literal: checked without a DNS lookup.
    _create(acme, name="hook", channel="webhook", webhook_url="https://93.184.216.34/hooks/ew")
    r = acme.get("/subscriptions")
    with Store(site[0].store_path) as store:
        sub = subs.get(store, _sub_id(r.text, "hook"))
    assert [(c.kind, c.target) for c in sub.channels] == [("webhook", "https://93.184.216.34/hooks/ew")]
    assert "webhook https://93.184.216.34/hooks/ew" in r.text and "whsec_" not in r.text


@pytest.mark.parametrize(("fields", "message"), [
    ({"codes": ""}, "codes: List should have at least 1 item"),
    ({"codes": "us:3A001"}, "give the code without its jurisdiction"),
    ({"jurisdiction": "eu, us"}, "jurisdiction: String should match pattern"),
    ({"name": ""}, "name:"),
    ({"kind": "search", "query": "\"unbalanced"}, "unbalanced quote"),
    ({"kind": "source", "sources": "", "jurisdiction": ""}, "name at least one source or jurisdiction"),
    ({"channel": "webhook", "webhook_url": "http://127.0.0.1:9/x"}, "invalid subscription: channels"),
    ({"frequency": "hourly"}, "frequency"),
])
def test_validation_errors_are_shown_on_the_page(acme: TestClient, fields: dict[str, str], message: str) -> None:
    before = acme.get("/subscriptions").text.count('<tr id="subscription-')
    form = {"name": "bad one", "kind": "code", "jurisdiction": "eu", "codes": "3A001", "frequency": "daily",
            "significance": "substantive", "channel": "feed", **fields}
    r = acme.post("/subscriptions", data=form, follow_redirects=False)
    assert r.status_code == 400
    error = re.search(r'<div class="error" role="alert" id="form-error"><p>(.*?)</p>', r.text, flags=re.S)
    assert error and error.group(1).startswith("invalid subscription: ") and message in error.group(1), r.text[-3000:]
    # The form keeps what was typed, escaped.
    assert f'value="{form["name"]}"' in r.text
    assert acme.get("/subscriptions").text.count('<tr id="subscription-') == before


def test_delete_removes_it_from_the_list(acme: TestClient, site: tuple[Settings, Keys]) -> None:
    _create(acme, name="to delete")
    sub_id = _sub_id(acme.get("/subscriptions").text, "to delete")
    r = acme.post(f"/subscriptions/{sub_id}/delete", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/subscriptions?deleted={sub_id}"
    page = acme.get(r.headers["location"]).text
    assert f'id="subscription-{sub_id}"' not in page and f"Subscription {sub_id} deleted" in page
    with Store(site[0].store_path) as store:
        assert subs.get(store, sub_id).deleted_at is not None  # the row stays: alerts refer to it


def test_read_only_sees_the_list_but_cannot_change(acme: TestClient, site: tuple[Settings, Keys]) -> None:
    _create(acme, name="seen by read-only")
    sub_id = _sub_id(acme.get("/subscriptions").text, "seen by read-only")
    ro = _signed_in(site[0], site[1].readonly)
    try:
        page = ro.get("/subscriptions")
        assert page.status_code == 200 and f'id="subscription-{sub_id}"' in page.text
        assert 'id="subscribe-form"' not in page.text and "/delete" not in page.text
        r = ro.post("/subscriptions", data={"name": "nope", "kind": "term", "term": "technology",
                                            "channel": "feed", "frequency": "daily", "significance": "all"})
        assert r.status_code == 403 and "member role" in r.text and "<h1>Not allowed</h1>" in r.text
        r = ro.post(f"/subscriptions/{sub_id}/delete")
        assert r.status_code == 403
        assert "nope" not in ro.get("/subscriptions").text
        assert f'id="subscription-{sub_id}"' in ro.get("/subscriptions").text
    finally:
        ro.__exit__(None, None, None)


def test_a_team_never_sees_or_deletes_another_teams_subscriptions(acme: TestClient,
                                                                  site: tuple[Settings, Keys]) -> None:
    _create(acme, name="acme secret plan")
    sub_id = _sub_id(acme.get("/subscriptions").text, "acme secret plan")
    globex = _signed_in(site[0], site[1].other_admin)
    try:
        page = globex.get("/subscriptions")
        assert page.status_code == 200 and "Alert subscriptions of globex" in page.text
        assert "acme secret plan" not in page.text and f'id="subscription-{sub_id}"' not in page.text
        r = globex.post(f"/subscriptions/{sub_id}/delete")
        assert r.status_code == 404  # not found, not forbidden: existence is not revealed
        _create(globex, name="globex own")
        assert "globex own" in globex.get("/subscriptions").text
        assert "globex own" not in acme.get("/subscriptions").text
    finally:
        globex.__exit__(None, None, None)
    with Store(site[0].store_path) as store:
        assert subs.get(store, sub_id).deleted_at is None


def test_cross_site_form_is_refused(acme: TestClient) -> None:
    r = acme.post("/subscriptions", data={"name": "x"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "another site" in r.text


def test_prefill_from_an_entry_link(acme: TestClient) -> None:
    r = acme.get("/subscriptions?kind=code&jurisdiction=eu&codes=3A001.b.11")
    assert '<option value="code" selected>' in r.text
    assert 'id="s-jurisdiction" name="jurisdiction" value="eu"' in r.text
    assert 'id="s-codes" name="codes" value="3A001.b.11"' in r.text
