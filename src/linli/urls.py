"""The site's URLs: the API under /api/v1/, then every page (``linli.site_urls``)."""
from django.urls import include, path

from linli.site_urls import handler500
from linli.site_urls import urlpatterns as site_urlpatterns

urlpatterns = [path("", include("linli.api.urls")), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
