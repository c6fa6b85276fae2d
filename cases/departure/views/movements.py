"""Departure pages: movements. Objects come through cases.departure.access; writes go through
cases.departure.services.movements."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
