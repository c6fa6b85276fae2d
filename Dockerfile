FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (manifests and letters as PDF) lays out text with Pango.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system avrr && useradd --system --gid avrr --home-dir /app avrr
WORKDIR /app

# WeasyPrint (PDF letters and manifests) draws text with Pango, in DejaVu fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files and compiled translations are built into the image; these values only let
# the settings load during the build.
RUN pybabel compile --domain django --directory locale \
 && SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media && chown -R avrr:avrr /app/var

USER avrr
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "avrr.wsgi:application"]
