"""Playwright in Debian's Chromium (the browser download of `playwright install` does not
work on these machines), against pytest-django's live server."""

from pathlib import Path

import pytest

from conftest import require_chromium

SCREENSHOTS = "var/screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": require_chromium(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot as var/screenshots/<test>-<step>.png."""
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        path = folder / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login_as(page, live_server, settings):
    """Log `user` in for the browser without typing: a session made by Django's test
    client, its cookie handed to Chromium."""
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return login
