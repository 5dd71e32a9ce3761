FROM python:3.12-slim
RUN pip install --no-cache-dir flask
RUN --mount=type=cache,target=/root/.cache/pip pip install gunicorn
ENV PIP_NO_CACHE_DIR=1
RUN pip install requests
