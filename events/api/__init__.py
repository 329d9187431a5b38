"""The REST API: serializers, filters, renderers and read-only viewsets (router in urls.py)."""
