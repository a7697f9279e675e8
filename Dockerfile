# The bot as one container: the same pinned environment as `make` (constraints.txt), without
# the dev tools. `docker compose up` runs several of these on one PostgreSQL (compose.yaml;
# docs/operations.md, "Several processes on one PostgreSQL").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . .

# As the Makefile installs, less `-e` and `.[dev]`. `python bot.py` runs the code in /app
# (its profiles/ beside it); the install brings the pinned dependencies. The code stays
# root's: the bot writes only to its data dir.
RUN python -m pip install --quiet --upgrade pip \
 && python -m pip install --quiet -c constraints.txt . \
 && rm -rf build ./*.egg-info \
 && python -m compileall -q bot faq handlers storage scheduler \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home tawasul \
 && install -d -o tawasul -g tawasul -m 0700 /data

# Inside a container the bot listens on every interface; the proxy in front is the way in.
ENV TAWASUL_DATA_DIR=/data \
    TAWASUL_HTTP_HOST=0.0.0.0 \
    TAWASUL_HTTP_PORT=8080
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080

# /healthz answers whenever the web does (urlopen fails on anything but a 2xx); the load
# balancer asks /readyz, which also says whether the database answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('TAWASUL_HTTP_PORT', '8080') + '/healthz', timeout=4)"

CMD ["python", "bot.py"]
