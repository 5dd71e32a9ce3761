FROM scratch AS base
ARG foo
ENV BAR=1
COPY $foo $BAR /
RUN echo $UNDEFINED_IN_SHELL
ENV PATH=$PATH:/x

FROM base
COPY $BAR /

FROM scratch AS declares
ARG INHERITED=x

FROM declares
COPY $INHERITED /
