"""Every JSON body the API takes is a ``RequestModel``: unknown fields are refused and strings
stripped as the core's commands strip them, the same on every route (a password alone is taken
as typed)."""

from __future__ import annotations

from pathlib import Path

from api.app import create_app
from api.schemas.requests import RequestModel
from ejournal.settings import Settings


def _request_models() -> dict[str, type[RequestModel]]:
    found: dict[str, type[RequestModel]] = {}
    unseen: list[type[RequestModel]] = [RequestModel]
    while unseen:
        model = unseen.pop()
        found[model.__name__] = model
        unseen += model.__subclasses__()
    return found


def test_every_json_body_is_a_request_model(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}", school="bodies"))
    document = app.openapi()
    bodies = {
        f"{method.upper()} {path}": operation["requestBody"]["content"]["application/json"][
            "schema"
        ]["$ref"].rsplit("/", 1)[-1]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    }
    assert len(bodies) > 40  # the routes that take a body were all found
    models = _request_models()
    assert {where: name for where, name in bodies.items() if name not in models} == {}
    for name in set(bodies.values()):
        config = models[name].model_config
        assert config.get("extra") == "forbid", name
        takes_a_password = any("password" in field for field in models[name].model_fields)
        assert config.get("str_strip_whitespace") is not takes_a_password, name
