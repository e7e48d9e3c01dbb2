from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask

from localvision.markdown_text import render_markdown


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%-d %B %Y at %H:%M UTC")


def format_date(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%-d %B %Y")


def init_app(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(render_markdown, "markdown")
    app.jinja_env.globals["service_name"] = "Local Vision"
