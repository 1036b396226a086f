"""The app for WSGI servers and `flask --app wsgi`."""

from app import create_app

app = create_app()
