import logging

import pytest


@pytest.mark.django_db
def test_fresh_id_when_none_given(client):
    response = client.get("/")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_callers_id_is_kept_and_logged(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/", HTTP_X_REQUEST_ID="lb-trace-42")
        logging.getLogger("core").info("inside")  # outside the request: the id is reset
    assert response["X-Request-ID"] == "lb-trace-42"


@pytest.mark.django_db
def test_unsafe_id_is_replaced(client):
    response = client.get("/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_log_records_carry_the_request_id():
    from core.logging import RequestIdFilter
    from core.request_context import reset_request_id, set_request_id

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)
    token = set_request_id("abc-123")
    try:
        RequestIdFilter().filter(record)
    finally:
        reset_request_id(token)
    assert record.request_id == "abc-123"
