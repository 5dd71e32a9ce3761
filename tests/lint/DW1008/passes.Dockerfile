FROM ubuntu:24.04
USER root
RUN apt-get update && make install
USER app
RUN echo sudo is only a word here
