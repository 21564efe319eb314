from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xuncha.portal"
    label = "portal"
    verbose_name = "公开受理"
