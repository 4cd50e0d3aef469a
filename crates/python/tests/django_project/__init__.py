"""A Django project for the tests: django.contrib.auth against SQLite, the messages
framework on session storage, and the chunked session middleware. Served by the test
client in-process and by gunicorn on 127.0.0.1; DJANGO_SESSIONS=django switches it back to
Django's own signed_cookies sessions (the project before a migration)."""
