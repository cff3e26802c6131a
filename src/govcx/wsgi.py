import os
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
django_application = get_wsgi_application()

from govcx.common.charts import keep_drawings_in  # noqa: E402
from govcx.feedback.public_wsgi import with_lean_ingestion  # noqa: E402  (needs the configured apps)
from govcx.startup import refuse_unsafe_start  # noqa: E402
from govcx.training.xapi_wsgi import with_lean_xapi  # noqa: E402
from govcx.warmup import gate_engine_imports  # noqa: E402

# Requests run while a new worker still imports the engines; one that needs an engine waits for all of them
# (see govcx.warmup).
gate_engine_imports()
keep_drawings_in(Path(settings.VAR_DIR) / "drawings")  # the workers share what vega drew, also across restarts
application = with_lean_xapi(with_lean_ingestion(django_application))
refuse_unsafe_start()
