# Gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py wsgi:app`.
# Every value can be overridden from the environment (GUNICORN_CMD_ARGS) or the command line.
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")  # behind a reverse proxy (nginx, Caddy) that terminates TLS
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
timeout = 60  # a PDF export of a large register may take a while
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
accesslog = "-"  # request lines (paths only; the app's own logs hold no incident text)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The web processes do not pump the outbox: the worker service does (INCIDENTS_OUTBOX_PUMP_SECONDS=0).
raw_env = ["INCIDENTS_OUTBOX_PUMP_SECONDS=0"]
