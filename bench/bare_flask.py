"""The ceiling for bench/public.py: a Flask app that answers one small JSON document and
does nothing else, served by gunicorn with the same settings as the real app."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return {"ok": True}
