import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
django_application = get_wsgi_application()

from govcx.feedback.public_wsgi import with_lean_ingestion  # noqa: E402  (needs the configured apps)
from govcx.startup import refuse_unsafe_start  # noqa: E402
from govcx.training.xapi_wsgi import with_lean_xapi  # noqa: E402
from govcx.warmup import after_engine_imports  # noqa: E402

# The LRS's requests import no engine, so they are answered while a new worker still imports them (a learning
# platform streaming statements must not wait for the charts and text models).
application = with_lean_xapi(after_engine_imports(with_lean_ingestion(django_application)))
refuse_unsafe_start()
