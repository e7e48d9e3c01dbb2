"""Bodies too long for their page are refused with 413 before anything parses them, by a
real server, from their Content-Length; one sent without is read no further than the
limit. The CSRF check reads the form before any view, so the limit must already hold then:
this app checks CSRF, as production does."""
from __future__ import annotations

import http.client
import threading
import time

import pytest
from werkzeug.serving import make_server

from localvision import create_app
from localvision.extensions import db
from localvision.schema import build_schema
from localvision.web.input_bounds import FORM_BODY_LIMIT, PUBLIC_FORM_BODY_LIMIT, UPLOAD_BODY_LIMIT
from support import separate_database, settings_for_tests

PUBLIC_FORM = "/projects/any-project/barriers/tell-us"
MEMBER_FORM = "/projects/any-project/decisions/new"
UPLOAD = "/projects/any-project/indicators/import"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("body-limits")
    with separate_database("body_limits", folder) as database_url:
        app = create_app({**settings_for_tests(folder), "SQLALCHEMY_DATABASE_URI": database_url,
                          "WTF_CSRF_ENABLED": True, "TESTING": False}, instance_path=folder)
        with app.app_context():
            build_schema()
        served = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=served.serve_forever, daemon=True)
        thread.start()
        yield served.server_port
        served.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()


def post(port: int, path: str, size: int, *, chunked: bool = False) -> tuple[int, float]:
    """POST ``size`` bytes of form data; returns the status and the seconds to the answer.
    The body is sent in pieces, stopping once the server has answered."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(size)
    started = time.monotonic()
    connection.putrequest("POST", path)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    piece = b"what=" + b"x" * (64 * 1024 - 5)
    sent = 0
    try:
        while sent < size:
            chunk = piece[:size - sent]
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            sent += len(chunk)
        if chunked:
            connection.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed the connection: the rest was never read
    response = connection.getresponse()
    status = response.status
    connection.close()
    return status, time.monotonic() - started


@pytest.mark.parametrize("path, limit", [(PUBLIC_FORM, PUBLIC_FORM_BODY_LIMIT), (MEMBER_FORM, FORM_BODY_LIMIT),
                                         (UPLOAD, UPLOAD_BODY_LIMIT)])
def test_a_body_over_its_pages_limit_is_refused_and_one_within_it_is_read(server, path, limit):
    assert post(server, path, limit + 1)[0] == 413
    # Within the limit the body is read and the request goes on: here to the CSRF check.
    assert post(server, path, limit // 2)[0] == 400


def test_a_public_form_sent_without_a_length_is_read_no_further_than_its_limit(server):
    # werkzeug stops reading at the limit: what was read lacks the form's token, so the
    # request is refused without the rest being read or parsed.
    status, _ = post(server, PUBLIC_FORM, 5 * 1024 * 1024, chunked=True)
    assert status == 400


def test_the_limits_are_what_the_pages_say():
    assert (PUBLIC_FORM_BODY_LIMIT, FORM_BODY_LIMIT, UPLOAD_BODY_LIMIT) == (64 * 1024, 1024 * 1024, 20 * 1024 * 1024)
