import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
application = get_wsgi_application()

from govcx.startup import refuse_unsafe_start  # noqa: E402  (needs the configured apps)

refuse_unsafe_start()
