FROM debian:bookworm-slim
RUN curl -fsSL --cacert /etc/ssl/internal.pem https://internal.example.com/tool -o /usr/local/bin/tool
RUN wget --ca-certificate=/etc/ssl/internal.pem https://internal.example.com/a.tar.gz
RUN pip install --cert /etc/ssl/internal.pem flask && npm config set strict-ssl true
RUN echo -k --insecure
