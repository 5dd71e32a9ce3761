FROM ubuntu:24.04
USER app
RUN sudo apt-get update && sudo -E make install
