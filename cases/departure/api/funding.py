"""Departure API: funding."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
