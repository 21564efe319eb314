"""The public URL of an inspection (its portal page), used in documents and QR codes."""

from django.conf import settings
from django.urls import reverse

from .models import Inspection


def public_path(inspection: Inspection) -> str:
    return reverse("portal:inspection", args=[inspection.public_id])


def public_url(inspection: Inspection) -> str:
    return settings.SITE_URL + public_path(inspection)
