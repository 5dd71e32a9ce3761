FROM scratch
COPY $foo .
ARG DIR_BINARIES=binaries/
COPY ${DIR_BINARIE} /bin/
ENV PATH=$PAHT:/tmp/bin
