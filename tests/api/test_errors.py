"""One error model for every error: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from exportwatch.api.app import create_app
from exportwatch.errors import StoreError
from exportwatch.settings import Settings
from tests.api.builder import Keys
from tests.api.conftest import auth


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["message"]
    return dict(body["error"])


@pytest.mark.parametrize(("method", "url", "status", "code"), [
    ("GET", "/api/no-such-route", 404, "not_found"),
    ("POST", "/api/search?q=x", 405, "method_not_allowed"),
    ("GET", "/api/search", 422, "validation_error"),  # q missing
    ("GET", "/api/search?q=x&limit=0", 422, "validation_error"),
    ("GET", "/api/search?q=x&offset=-1", 422, "validation_error"),
    ("GET", "/api/entries/eu:3A001.b.1?as_of=yesterday", 422, "validation_error"),
    ("GET", '/api/search?q="unbalanced', 400, "bad_query"),
    ("GET", "/api/search?q=x&jurisdiction=zz", 400, "bad_query"),
    ("GET", "/api/entries/eu:nothing", 404, "not_found"),
])
def test_errors_share_one_shape(client: TestClient, keys: Keys, method: str, url: str, status: int,
                                code: str) -> None:
    r = client.request(method, url, headers=auth(keys.readonly))
    assert r.status_code == status
    assert error_of(r)["code"] == code


def test_validation_details_name_the_field(client: TestClient, keys: Keys) -> None:
    err = error_of(client.get("/api/search?q=x&limit=9999", headers=auth(keys.readonly)))
    assert err["details"][0]["loc"] == ["query", "limit"]
    assert "limit" in err["message"]


def test_unknown_filter_value_names_the_known_ones(client: TestClient, keys: Keys) -> None:
    err = error_of(client.get("/api/search?q=x&source=eu-annex", headers=auth(keys.readonly)))
    assert "unknown source 'eu-annex'" in err["message"] and "eu-annex-i" in err["message"]


def test_unexpected_failure_is_500_without_a_traceback(settings: Settings, keys: Keys) -> None:
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    def store_down() -> None:
        raise StoreError("store /x is locked")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/api/store-down", store_down)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom")
        assert r.status_code == 500
        err = error_of(r)
        assert err["code"] == "internal_error" and "secret" not in r.text and "Traceback" not in r.text
        r = c.get("/api/store-down")
        assert r.status_code == 503 and error_of(r)["code"] == "store_unavailable"


def test_openapi_documents_the_error_model_on_every_api_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert "ErrorResponse" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        assert path.startswith("/api/")
        for op in ops.values():
            for status in ("401", "404", "422", "500"):
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorResponse"), (path, status)
    assert spec["components"]["securitySchemes"]["APIKeyHeader"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": spec["components"]["securitySchemes"]["APIKeyHeader"]["description"]}
