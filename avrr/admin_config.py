from django.contrib.admin.apps import AdminConfig


class AvrrAdminConfig(AdminConfig):
    """The admin site, opened to administrators only (see avrr.rules.can_use_admin_site)."""

    default_site = "avrr.admin_site.AvrrAdminSite"
