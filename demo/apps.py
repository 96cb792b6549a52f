from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for trying the service on a laptop (`manage.py seed_demo`, run by
    `make run`). The top app: it may import every other one, and none imports it."""

    name = "demo"
