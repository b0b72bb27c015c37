"""Trackstar's own response bodies: {"data": order} (GET /cart/orders/{id}) and {"data": [...], "next_token"} pages."""

from __future__ import annotations

import json

import pytest

import cartnorm
from cartnorm import PayloadError, TrackstarPage, from_trackstar, from_trackstar_page
from conftest import FIXTURES

DOCUMENT = json.loads((FIXTURES / "trackstar" / "full_order.payload.json").read_text())


def test_the_single_order_body_reads_as_the_order():
    order = from_trackstar(DOCUMENT)
    assert from_trackstar({"data": DOCUMENT}) == order
    assert cartnorm.normalize({"data": DOCUMENT}, "trackstar") == order
    assert cartnorm.loads(json.dumps({"data": DOCUMENT})) == order


def test_errors_inside_the_body_name_the_data_path():
    with pytest.raises(PayloadError) as caught:
        from_trackstar({"data": {**DOCUMENT, "total_price": "13.49"}})
    assert caught.value.path == "$.data.total_price"


def test_a_page_is_not_one_order_and_says_where_to_read_it():
    page = {"data": [DOCUMENT, DOCUMENT], "next_token": "abc"}
    for read in (from_trackstar, lambda body: cartnorm.normalize(body, "trackstar")):
        with pytest.raises(PayloadError) as caught:
            read(page)
        assert caught.value.path == "$.data" and "from_trackstar_page" in str(caught.value)


def test_a_page_gives_its_orders_and_the_token_of_the_next():
    order = from_trackstar(DOCUMENT)
    page = from_trackstar_page({"data": [DOCUMENT, DOCUMENT], "next_token": "eyJwIjogMn0="})
    assert isinstance(page, TrackstarPage)
    assert page.orders == (order, order) and list(page) == [order, order] and len(page) == 2
    assert page.next_token == "eyJwIjogMn0="
    last = from_trackstar_page({"data": [], "next_token": None})
    assert (last.orders, last.next_token) == ((), None)
    assert from_trackstar_page({"data": [DOCUMENT]}).next_token is None
    assert from_trackstar_page({"data": DOCUMENT}).orders == (order,)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"data": [DOCUMENT, {**DOCUMENT, "status": "shipped"}]}, "$.data[1].status"),
        ({"data": [DOCUMENT], "next_token": 7}, "$.next_token"),
        ({"data": "orders"}, "$.data"),
        (DOCUMENT, "$"),
        ([DOCUMENT], "$"),
    ],
)
def test_page_errors_name_the_place(body, path):
    with pytest.raises(PayloadError) as caught:
        from_trackstar_page(body)
    assert caught.value.path == path
