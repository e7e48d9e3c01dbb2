"""The limiter leaves reading requests out only where they have nothing to check: a limit
declared on a view still counts, configured rate-limit headers are still sent, and default
limits still apply to every view."""
from flask import Flask
from flask_limiter.util import get_remote_address

from localvision.extensions import form_limiter


def limited_app(**limiter_options) -> Flask:
    app = Flask(__name__)
    limiter = form_limiter(get_remote_address, app=app, storage_uri="memory://", **limiter_options)

    @app.post("/sign-in")
    @limiter.limit("1 per minute")
    def sign_in() -> str:
        return "signed in"

    @app.get("/")
    def home() -> str:
        return "home"

    return app


def test_a_limit_declared_on_a_view_still_counts_without_the_hooks():
    client = limited_app().test_client()
    assert client.post("/sign-in").status_code == 200
    assert client.post("/sign-in").status_code == 429
    assert "X-RateLimit-Limit" not in client.post("/sign-in").headers


def test_rate_limit_headers_are_sent_when_configured():
    client = limited_app(headers_enabled=True).test_client()
    first = client.post("/sign-in")
    assert first.headers["X-RateLimit-Limit"] == "1" and first.headers["X-RateLimit-Remaining"] == "0"


def test_default_limits_still_apply_to_every_view():
    client = limited_app(default_limits=["2 per minute"]).test_client()
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
