# The web, worker and beat image of Työkyky (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var

# WeasyPrint needs Pango; Noto Color Emoji prints emoji in PDFs; gettext compiles the
# message catalogues.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core fonts-noto-color-emoji gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --no-deps -r requirements.txt

COPY . .
# Build-time only: collectstatic and compilemessages need settings, not secrets.
RUN DEBUG=false SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
    python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages --ignore 'var/*' -v0 \
    && useradd --system --home /app tyokyky && chown -R tyokyky /app/var

USER tyokyky
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
