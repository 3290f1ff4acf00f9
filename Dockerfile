# The portal's image: the same for the web server and the task worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs pango and HarfBuzz's subsetter for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY . .
# collectstatic reads the settings but opens no database: any DATABASE_URL satisfies them here.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    python manage.py collectstatic --no-input \
    && useradd --create-home --uid 1000 portal
USER portal
EXPOSE 8000
CMD ["gunicorn", "hmicfrs_mou.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
