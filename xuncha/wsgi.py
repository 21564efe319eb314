import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
application = get_wsgi_application()

# With sealed data in the database and no key file, refuse to start rather than seal under a new key.
from xuncha.keys import check_key_at_startup  # noqa: E402

check_key_at_startup()

# The same for the audit chain's key (xuncha/audit/keys.py).
from xuncha.audit.keys import check_audit_key_at_startup  # noqa: E402

check_audit_key_at_startup()
