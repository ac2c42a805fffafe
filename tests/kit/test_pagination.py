"""page/per_page pagination: parameter validation (422 naming the field) and the pagination object."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Query

from oxship.kit.envelope import JSONBody, PageEnvelope
from oxship.kit.pagination import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    PageParams,
    Pagination,
    page_body,
    paginated,
    pagination_object,
)


async def numbers(params: Pagination, total: Annotated[int, Query(ge=0)] = 0) -> JSONBody:
    """A throwaway paginated route over the integers 1..total."""
    items = list(range(1, total + 1))[params.offset : params.offset + params.limit]
    return paginated(items, params, total)


@pytest.fixture
def numbers_app(app: FastAPI) -> FastAPI:
    app.add_api_route("/test/numbers", numbers, methods=["GET"], response_model=PageEnvelope[int])
    return app


@pytest.mark.usefixtures("numbers_app")
async def test_defaults_are_page_one_of_twenty(client: httpx.AsyncClient) -> None:
    response = await client.get("/test/numbers", params={"total": 45})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["data"] == list(range(1, DEFAULT_PER_PAGE + 1))
    assert body["pagination"] == {
        "page": 1,
        "per_page": DEFAULT_PER_PAGE,
        "total": 45,
        "total_pages": 3,
        "has_next": True,
        "has_prev": False,
    }


@pytest.mark.usefixtures("numbers_app")
async def test_a_middle_and_the_last_page(client: httpx.AsyncClient) -> None:
    middle = (await client.get("/test/numbers?total=25&page=2&per_page=10")).json()
    assert middle["data"] == list(range(11, 21))
    assert (middle["pagination"]["has_prev"], middle["pagination"]["has_next"]) == (True, True)
    last = (await client.get("/test/numbers?total=25&page=3&per_page=10")).json()
    assert last["data"] == [21, 22, 23, 24, 25]
    assert (last["pagination"]["has_prev"], last["pagination"]["has_next"]) == (True, False)


@pytest.mark.usefixtures("numbers_app")
async def test_a_page_past_the_end_is_empty_not_an_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/test/numbers?total=5&page=9&per_page=10")
    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["pagination"]["has_next"] is False


@pytest.mark.usefixtures("numbers_app")
async def test_the_largest_page_size_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/test/numbers?total=150&per_page={MAX_PER_PAGE}")
    assert response.status_code == 200
    assert len(response.json()["data"]) == MAX_PER_PAGE


@pytest.mark.usefixtures("numbers_app")
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1000001", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=abc", "per_page"),
    ],
)
async def test_an_invalid_parameter_is_422_naming_it(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/test/numbers?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "error"
    assert body["error"] == "validation_error"
    assert [d["field"] for d in body["details"]] == [field]
    assert body["message"].startswith(f"{field}: ")


@pytest.mark.usefixtures("numbers_app")
async def test_every_invalid_parameter_is_named(client: httpx.AsyncClient) -> None:
    response = await client.get("/test/numbers?page=0&per_page=500")
    assert response.status_code == 422
    assert sorted(d["field"] for d in response.json()["details"]) == ["page", "per_page"]


@pytest.mark.usefixtures("numbers_app")
async def test_the_parameters_are_documented(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    parameters = {p["name"]: p for p in spec["paths"]["/test/numbers"]["get"]["parameters"]}
    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["per_page"]["schema"]["minimum"] == 1
    assert parameters["per_page"]["schema"]["maximum"] == MAX_PER_PAGE


# ---- the pagination object --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "per_page", "total", "total_pages", "has_next", "has_prev"),
    [
        pytest.param(1, 20, 0, 0, False, False, id="empty"),
        pytest.param(2, 20, 0, 0, False, True, id="empty-page-2"),
        pytest.param(1, 10, 1, 1, False, False, id="one-item"),
        pytest.param(1, 10, 30, 3, True, False, id="exact-multiple-first"),
        pytest.param(3, 10, 30, 3, False, True, id="exact-multiple-last"),
        pytest.param(2, 10, 25, 3, True, True, id="middle"),
        pytest.param(3, 10, 25, 3, False, True, id="partial-last"),
        pytest.param(7, 10, 25, 3, False, True, id="past-the-end"),
        pytest.param(1, 100, 100, 1, False, False, id="one-full-page"),
        pytest.param(1, 100, 101, 2, True, False, id="one-over"),
    ],
)
def test_pagination_object_math(
    page: int, per_page: int, total: int, total_pages: int, has_next: bool, has_prev: bool
) -> None:
    assert pagination_object(PageParams(page=page, per_page=per_page), total) == {
        "page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": total_pages,
        "has_next": has_next,
        "has_prev": has_prev,
    }


def test_offset_and_limit() -> None:
    assert (PageParams().offset, PageParams().limit) == (0, DEFAULT_PER_PAGE)
    assert (PageParams(page=3, per_page=10).offset, PageParams(page=3, per_page=10).limit) == (
        20,
        10,
    )


def test_page_body_carries_meta_only_when_given() -> None:
    params = PageParams(page=1, per_page=2)
    plain = page_body([1, 2], params, 5)
    assert set(plain) == {"status", "data", "pagination"}
    with_meta = page_body([1, 2], params, 5, meta={"sort": "newest"})
    assert with_meta["meta"] == {"sort": "newest"}
    assert with_meta["pagination"]["total_pages"] == 3
