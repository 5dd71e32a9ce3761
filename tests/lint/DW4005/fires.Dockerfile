FROM python:3.12-slim
RUN pip install flask && python -m pip install -r requirements.txt
