"""The OpenAPI document and the interactive documentation."""

import re

import yaml
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.validation import validate_schema


def test_the_schema_is_valid_openapi_3_and_documents_the_token(db):
    response = Client().get("/api/schema/?format=json")

    assert response.status_code == 200
    document = response.json()
    validate_schema(document)
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["tokenAuth"][
            "description"
        ],
    }
    create = document["paths"]["/api/v1/purchase-orders/"]["post"]
    assert create["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_the_schema_lists_every_resource(db):
    document = yaml.safe_load(Client().get("/api/schema/").content)

    assert set(document["paths"]) >= {
        "/api/v1/vendors/",
        "/api/v1/vendors/{id}/",
        "/api/v1/box-types/",
        "/api/v1/products/",
        "/api/v1/purchase-orders/",
        "/api/v1/purchase-orders/{id}/send/",
        "/api/v1/purchase-orders/send/",
        "/api/v1/purchase-orders/{id}/cancel/",
        "/api/v1/purchase-orders/{id}/labels/",
        "/api/v1/reservations/{id}/retry/",
    }


def test_the_docs_page_loads_its_assets_from_this_app_only(db):
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    assert not [url for url in assets if "//" in url]
    for url in assets:
        assert url.startswith("/static/drf_spectacular_sidecar/")
        assert finders.find(url.removeprefix("/static/")), url
