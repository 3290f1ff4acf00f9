import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hmicfrs_mou.settings")
application = get_wsgi_application()
