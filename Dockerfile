FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_SETTINGS_MODULE=komet.settings python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R nobody /app/var
USER nobody
EXPOSE 8000
CMD ["gunicorn", "komet.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
