"""Departure pages: funding. Objects come through cases.departure.access; writes go through
cases.departure.services.funding."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
