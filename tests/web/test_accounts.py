"""Accounts through the pages and the email a person receives: password reset, password
and email changes, sessions that end everywhere, and sign-in that gives nothing away."""
from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import select

import factories
from localvision.domain.vocabulary import OutboxState
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import AccountToken, AuditEvent, OutboxMessage, User
from smtp_server import first_link, text_of
from support import sign_in

NEW_PASSWORD = "a quiet harbour at dawn"


def deliver(app) -> None:
    """What the worker does: send everything queued to the test SMTP server."""
    build_worker(app).work(burst=True)
    db.session.expire_all()


def is_signed_in(client) -> bool:
    response = client.get("/your-work")
    return response.status_code == 200


@pytest.fixture
def person(session):
    person = factories.user(name="Ada Lovelace", email="ada@example.org")
    session.commit()
    return person


def test_a_forgotten_password_is_reset_through_the_emailed_link_once(app, client, session, person, smtp_server):
    sent = client.post("/password-reset", data={"email": "ADA@example.org "})
    assert "If ADA@example.org has an account, we have sent a link to it" in sent.get_data(as_text=True)
    deliver(app)
    [email] = smtp_server.messages_to("ada@example.org")
    assert email["Subject"] == "Reset your Local Vision password"
    assert "stops working after 1 hour" in text_of(email)
    link = first_link(email)

    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    weak = client.post(link, data={"password": "password1234", "confirm_password": "password1234"})
    assert "Password is too common" in weak.get_data(as_text=True)
    saved = client.post(link, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/sign-in")

    assert client.get(link).status_code == 404  # single use
    assert sign_in(client, "ada@example.org").status_code == 200  # the old password no longer works
    assert sign_in(client, "ada@example.org", NEW_PASSWORD).status_code == 302
    deliver(app)
    notices = [message["Subject"] for message in smtp_server.messages_to("ada@example.org")]
    assert "Your Local Vision password has changed" in notices
    events = session.scalars(select(AuditEvent.kind).where(AuditEvent.object_type == "User")).all()
    assert {"account.password_reset_requested", "account.password_reset"} <= set(events)


def test_a_reset_link_points_at_the_sites_configured_address_whatever_host_the_request_named(
        app, client, session, person, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://lv.example.org")
    client.post("/password-reset", data={"email": "ada@example.org"}, headers={"Host": "attacker.example"})
    deliver(app)
    [email] = smtp_server.messages_to("ada@example.org")
    assert first_link(email).startswith("https://lv.example.org/password-reset/")
    assert "attacker.example" not in text_of(email)


def test_in_production_a_request_naming_another_host_is_refused(app, client, session, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["lv.example.org", "127.0.0.1", "localhost"])
    assert client.get("/sign-in", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/sign-in", headers={"Host": "lv.example.org"}).status_code == 200


def test_links_sent_before_a_password_change_stop_working(app, client, session, person, smtp_server):
    client.post("/password-reset", data={"email": "ada@example.org"})
    sign_in(client, "ada@example.org")
    client.post("/account/email", data={"email": "ada.new@example.net", "current_password": factories.PASSWORD})
    deliver(app)
    client.post("/account/password", data={"current_password": factories.PASSWORD, "password": NEW_PASSWORD,
                                           "confirm_password": NEW_PASSWORD})
    deliver(app)
    reset = next(first_link(m) for m in smtp_server.messages_to("ada@example.org") if "Reset" in m["Subject"])
    [change] = [first_link(m) for m in smtp_server.messages_to("ada.new@example.net")]
    assert client.get(reset).status_code == 404
    assert client.get(change).status_code == 404


def test_a_reset_link_sent_to_the_old_address_stops_working_once_the_address_changes(
        app, client, session, person, smtp_server):
    client.post("/password-reset", data={"email": "ada@example.org"})
    sign_in(client, "ada@example.org")
    client.post("/account/email", data={"email": "ada.new@example.net", "current_password": factories.PASSWORD})
    deliver(app)
    [reset] = [first_link(m) for m in smtp_server.messages_to("ada@example.org") if "Reset" in m["Subject"]]
    [change] = [first_link(m) for m in smtp_server.messages_to("ada.new@example.net")]
    assert client.post(change).status_code == 302
    assert client.get(reset).status_code == 404


def test_asking_for_a_reset_takes_as_long_for_an_unknown_address_as_for_a_known_one(app, client, session, person,
                                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_RATE_LIMIT", "1000 per minute")
    timings: dict[str, list[float]] = {"ada@example.org": [], "nobody@example.org": []}
    for _ in range(15):
        for address, taken in timings.items():
            started = time.perf_counter()
            client.post("/password-reset", data={"email": address})
            taken.append(time.perf_counter() - started)
    known, unknown = (statistics.median(taken) for taken in timings.values())
    assert 0.75 < known / unknown < 1.33, (known, unknown)


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(app, client, session, person, smtp_server):
    known = client.post("/password-reset", data={"email": "ada@example.org"}).get_data(as_text=True)
    unknown = client.post("/password-reset", data={"email": "nobody@example.org"}).get_data(as_text=True)
    assert known.replace("ada@example.org", "X") == unknown.replace("nobody@example.org", "X")
    deliver(app)
    assert smtp_server.messages_to("nobody@example.org") == []


def test_a_reset_link_stops_working_after_an_hour(app, client, session, person, smtp_server):
    client.post("/password-reset", data={"email": "ada@example.org"})
    deliver(app)
    link = first_link(smtp_server.messages_to("ada@example.org")[0])
    token = session.scalar(select(AccountToken))
    token.expires_at = token.created_at  # an hour has passed
    session.commit()
    refused = client.get(link)
    assert refused.status_code == 404 and "has expired or has already been used" in refused.get_data(as_text=True)


def test_changing_the_password_needs_the_current_one_and_ends_every_other_session(app, session, person, smtp_server):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "ada@example.org")
    sign_in(elsewhere, "ada@example.org")

    wrong = here.post("/account/password", data={"current_password": "not it at all", "password": NEW_PASSWORD,
                                                  "confirm_password": NEW_PASSWORD})
    assert "Your current password is not right" in wrong.get_data(as_text=True)
    changed = here.post("/account/password", data={"current_password": factories.PASSWORD,
                                                    "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert changed.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    deliver(app)
    assert [m["Subject"] for m in smtp_server.messages_to("ada@example.org")] == [
        "Your Local Vision password has changed"]


def test_signing_out_ends_every_session_even_a_copied_cookie(app, session, person):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "ada@example.org")
    sign_in(elsewhere, "ada@example.org")
    copied = here.get_cookie("session").value
    here.post("/sign-out")

    assert not is_signed_in(elsewhere)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert not is_signed_in(thief)


def test_sign_in_starts_a_new_session(app, client, session, person):
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    sign_in(client, "ada@example.org")
    with client.session_transaction() as after:
        assert "planted" not in after and after["_user_id"] == person.get_id()


def test_an_email_change_is_made_from_the_link_sent_to_the_new_address(app, client, session, person, smtp_server):
    sign_in(client, "ada@example.org")
    asked = client.post("/account/email", data={"email": "ada.lovelace@example.net",
                                                "current_password": factories.PASSWORD})
    assert asked.status_code == 302
    assert session.get(User, person.id).email == "ada@example.org"  # not until the link is followed
    deliver(app)
    [verify] = smtp_server.messages_to("ada.lovelace@example.net")
    link = first_link(verify)

    page = client.get(link)
    assert "ada.lovelace@example.net" in page.get_data(as_text=True)
    assert client.post(link).status_code == 302
    assert session.get(User, person.id).email == "ada.lovelace@example.net"
    assert client.post(link).status_code == 404  # single use
    deliver(app)
    [notice] = smtp_server.messages_to("ada@example.org")
    assert "now uses ada.lovelace@example.net" in text_of(notice)
    client.post("/sign-out")
    assert sign_in(client, "ada.lovelace@example.net").status_code == 302


def test_an_email_change_to_a_taken_address_tells_that_address_not_the_asker(app, client, session, person,
                                                                             smtp_server):
    factories.user(email="taken@example.org")
    session.commit()
    sign_in(client, "ada@example.org")
    taken = client.post("/account/email", data={"email": "taken@example.org", "current_password": factories.PASSWORD},
                        follow_redirects=True).get_data(as_text=True)
    free = client.post("/account/email", data={"email": "free@example.org", "current_password": factories.PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert taken.replace("taken@example.org", "X") == free.replace("free@example.org", "X")
    deliver(app)
    [warning] = smtp_server.messages_to("taken@example.org")
    assert "already has an account, so nothing has changed" in text_of(warning)
    assert "http" not in text_of(warning)


def test_an_email_change_needs_the_current_password(client, session, person):
    sign_in(client, "ada@example.org")
    refused = client.post("/account/email", data={"email": "x@example.org", "current_password": "wrong guess"})
    assert "Your current password is not right" in refused.get_data(as_text=True)


def test_signing_in_takes_as_long_for_an_unknown_address_as_for_a_known_one(app, client, session, person,
                                                                            monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_RATE_LIMIT", "1000 per minute")
    timings: dict[str, list[float]] = {"ada@example.org": [], "nobody@example.org": []}
    for _ in range(8):
        for address, taken in timings.items():
            started = time.perf_counter()
            response = sign_in(client, address, "wrong password here")
            taken.append(time.perf_counter() - started)
            assert "Email address or password is not right" in response.get_data(as_text=True)
    known, unknown = (statistics.median(taken) for taken in timings.values())
    assert 0.5 < known / unknown < 2, (known, unknown)


def test_signed_in_pages_are_never_stored(client, session, person):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    sign_in(client, "ada@example.org")
    assert client.get("/").headers["Cache-Control"] == "private, no-store"
    assert client.get("/your-work").headers["Cache-Control"] == "private, no-store"


def test_without_a_mail_server_administrators_read_held_email_with_working_links(app, client, client_for, session,
                                                                                 person):
    client.post("/password-reset", data={"email": "ada@example.org"})
    deliver(app)
    message = session.scalar(select(OutboxMessage))
    assert message.state is OutboxState.HELD
    admin = client_for(factories.user(is_admin=True))

    listing = admin.get("/admin/outbox").get_data(as_text=True)
    assert "No mail server is set" in listing and "Reset your Local Vision password" in listing
    page = admin.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    link = first_link_in(message.text_body)
    assert f'<a class="govuk-link" href="{link}">{link}</a>' in page
    assert client.get(link).status_code == 200
    assert admin.get("/admin/outbox/999999").status_code == 404


def first_link_in(text: str) -> str:
    return next(word for word in text.split() if word.startswith("http"))


def test_an_organisation_of_one_counts_one_person_and_of_two_people(client_for, session):
    alone = factories.user(factories.organisation("Harbour Street Outreach"), name="Dan Roberts")
    session.commit()
    assert "1 person</caption>" in client_for(alone).get("/organisation").get_data(as_text=True)
    factories.user(alone.organisation, name="Ann Lee")
    session.commit()
    assert "2 people</caption>" in client_for(alone).get("/organisation").get_data(as_text=True)
