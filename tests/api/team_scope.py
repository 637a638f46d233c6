"""The check every team-owned resource must pass (API keys now; subscriptions and alerts next).

    assert_team_scoped(client, keys, create=make_subscription, list_path="/api/subscriptions",
                       change=[("PATCH", {"channel": "x"}), ("DELETE", None)])

`create(client, key)` creates one resource as team acme (with `key`, an acme member or admin) and
returns its URL. Then: acme reads it; team globex's admin gets 404 (not 403: existence is not
revealed) on reading and on every change, and does not see it in `list_path`; acme's read-only
key gets 403 on every change; and afterwards acme still reads it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi.testclient import TestClient

from tests.api.builder import Keys


def _h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def assert_team_scoped(client: TestClient, keys: Keys, *, create: Callable[[TestClient, str], str],
                       list_path: str, change: Sequence[tuple[str, Any]], creator: str | None = None) -> None:
    url = create(client, creator or keys.admin)
    before = client.get(url, headers=_h(keys.admin))
    assert before.status_code == 200, before.text

    other = client.get(url, headers=_h(keys.other_admin))
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    listed = client.get(list_path, headers=_h(keys.other_admin)).json()
    assert url.rsplit("/", 1)[1] not in {str(item.get("id")) for item in listed["items"]}
    for method, body in change:
        r = client.request(method, url, headers=_h(keys.other_admin), json=body)
        assert r.status_code == 404, (method, r.status_code, r.text)
        r = client.request(method, url, headers=_h(keys.readonly), json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", (method, r.text)

    after = client.get(url, headers=_h(keys.admin))
    assert after.status_code == 200 and after.json() == before.json()
