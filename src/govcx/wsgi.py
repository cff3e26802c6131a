import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
django_application = get_wsgi_application()

from govcx.feedback.public_wsgi import with_lean_ingestion  # noqa: E402  (needs the configured apps)
from govcx.startup import refuse_unsafe_start  # noqa: E402
from govcx.training.xapi_wsgi import with_lean_xapi  # noqa: E402
from govcx.warmup import after_engine_imports  # noqa: E402

application = after_engine_imports(with_lean_xapi(with_lean_ingestion(django_application)))
refuse_unsafe_start()
