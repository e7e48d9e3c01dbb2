"""A rate limit is counted by the view that declares it, for the methods that send forms,
and by nothing else: other requests cost the limiter nothing, and when its storage is down
the form still works."""
import logging

from flask import Flask

from localvision.rate_limits import RateLimits

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def limited_app(storage_uri: str = "memory://") -> Flask:
    app = Flask(__name__)
    app.config.update(RATELIMIT_STORAGE_URI=storage_uri, RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1},
                      RATELIMIT_KEY_PREFIX="test")
    limiter = RateLimits()
    limiter.init_app(app)

    @app.route("/sign-in", methods=["GET", "POST"])
    @limiter.limit(lambda: "2 per hour")
    def sign_in() -> str:
        return "signed in"

    @app.get("/")
    def home() -> str:
        return "home"

    return app


def test_a_limit_declared_on_a_view_counts_posts_and_refuses_once_exceeded():
    client = limited_app().test_client()
    assert [client.post("/sign-in").status_code for _ in range(3)] == [200, 200, 429]
    assert client.post("/sign-in", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200


def test_reading_a_limited_view_is_never_counted():
    client = limited_app().test_client()
    assert {client.get("/sign-in").status_code for _ in range(5)} == {200}
    assert [client.post("/sign-in").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/sign-in").status_code == 200


def test_the_form_stays_open_when_the_storage_is_unreachable(caplog):
    client = limited_app(UNREACHABLE_REDIS).test_client()
    with caplog.at_level(logging.WARNING, logger="localvision.rate_limits"):
        assert [client.post("/sign-in").status_code for _ in range(3)] == [200, 200, 200]
    assert len(caplog.records) == 3 and "unreachable" in caplog.records[0].getMessage()


def test_a_reading_request_does_no_rate_limit_work(caplog):
    # Every attempt to reach this storage fails and says so: silence means none was made.
    client = limited_app(UNREACHABLE_REDIS).test_client()
    with caplog.at_level(logging.WARNING, logger="localvision.rate_limits"):
        assert client.get("/").status_code == 200
        assert client.get("/sign-in").status_code == 200
    assert caplog.records == []
