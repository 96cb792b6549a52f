"""The clients API: serializers and viewsets calling the same access rules and services as
the pages."""
