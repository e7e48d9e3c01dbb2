import pytest

from localvision.config import ConfigurationError, load_config, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        load_config(tmp_path, {"LOCALVISION_ENV": "production"})


def test_development_keeps_one_generated_secret_key(tmp_path):
    first = load_config(tmp_path, {})["SECRET_KEY"]
    second = load_config(tmp_path, {})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_embedded_defaults_without_urls(tmp_path):
    config = load_config(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'localvision.sqlite'}"
    assert config["REDIS_URL"] == ""


def test_production_refuses_to_start_without_the_sites_address(tmp_path):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL is not set"):
        load_config(tmp_path, {"LOCALVISION_ENV": "production", "SECRET_KEY": "x" * 64})


def test_production_trusts_only_the_sites_own_host_and_the_machines_own_checks(tmp_path):
    config = load_config(tmp_path, {"LOCALVISION_ENV": "production", "SECRET_KEY": "x" * 64,
                                    "PUBLIC_URL": "https://lv.example.org", "TRUSTED_HOSTS": "www.lv.example.org"})
    assert config["TRUSTED_HOSTS"] == ["lv.example.org", "127.0.0.1", "localhost", "www.lv.example.org"]
    assert load_config(tmp_path, {})["TRUSTED_HOSTS"] is None


def test_production_cookies_are_secure(tmp_path):
    config = load_config(tmp_path, {"LOCALVISION_ENV": "production", "SECRET_KEY": "x" * 64,
                                    "PUBLIC_URL": "https://lv.example.org"})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_name_the_psycopg_driver(given, expected):
    assert normalise_database_url(given) == expected


def test_a_mail_url_that_cannot_work_stops_start_up_with_the_reason(tmp_path):
    with pytest.raises(ConfigurationError, match="smtp:// or smtps://"):
        load_config(tmp_path, {"MAIL_URL": "mail.example.org:587"})
    assert load_config(tmp_path, {"MAIL_URL": "smtp://mail.example.org:587?starttls=true"})["MAIL_URL"]


def test_forms_expire_after_a_working_day(tmp_path):
    assert load_config(tmp_path, {})["WTF_CSRF_TIME_LIMIT"] == 8 * 60 * 60
