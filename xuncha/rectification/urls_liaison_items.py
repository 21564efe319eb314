"""The liaison's ledger pages (namespace "liaison", under /target/)."""

from django.urls import path

from . import views_liaison_items as views

urlpatterns = [
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/evidence/<int:pk>/", views.evidence, name="item_evidence"),
]
