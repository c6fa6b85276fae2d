"""Departure pages: documents. Objects come through cases.departure.access; writes go through
cases.departure.services.documents."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
