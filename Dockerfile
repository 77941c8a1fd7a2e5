# syntax=docker/dockerfile:1
# pinwheel service image: the same artifacts ./pinwheel runs (cli/target/pinwheel.jar + lib/),
# built by the same Maven command, on a JRE. linux/amd64 only: ND4J ships x86_64 natives (AVX2).
#
#   docker build -t pinwheel .
#   docker run --rm pinwheel --help
#   docker run --rm -v $PWD/deploy/pinwheel:/etc/pinwheel:ro -p 9464:9464 pinwheel   # serve

FROM --platform=linux/amd64 maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The whole reactor (what .dockerignore lets in: no target/ or .git), so new modules need no edit
# here; BuildKit's cache mount keeps ~/.m2 between builds.
COPY . .
# What the ./pinwheel launcher runs when it builds, less the bench module (not part of the product).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -Dstyle.color=never -pl cli -am -Dmaven.test.skip=true package \
 && test -f cli/target/pinwheel.jar && test -d cli/target/lib

FROM --platform=linux/amd64 eclipse-temurin:17-jre
# A fixed, unprivileged user. Its home holds ~/.javacpp/cache (ND4J/OpenBLAS natives are unpacked
# there on first start); /var/lib/pinwheel holds the Kafka Streams state.dir.
RUN groupadd --system --gid 10001 pinwheel \
 && useradd --system --uid 10001 --gid pinwheel --home-dir /home/pinwheel --create-home \
      --shell /usr/sbin/nologin pinwheel \
 && mkdir -p /etc/pinwheel /var/lib/pinwheel \
 && chown pinwheel:pinwheel /var/lib/pinwheel
COPY --from=build /src/cli/target/lib/ /opt/pinwheel/lib/
COPY --from=build /src/cli/target/pinwheel.jar /opt/pinwheel/pinwheel.jar
COPY samples/ /opt/pinwheel/samples/
COPY models/ /opt/pinwheel/models/
COPY deploy/pinwheel/pinwheel.properties /etc/pinwheel/pinwheel.properties
USER pinwheel:pinwheel
WORKDIR /home/pinwheel
EXPOSE 9464
# OpenMP threads for the native BLAS (pinwheel runs one per caller thread anyway); add JVM options
# with JAVA_TOOL_OPTIONS, which the JVM reads itself. 8 MiB G1 regions keep Kafka's MiB-sized
# buffers from being humongous objects (see the pinwheel launcher).
ENV OMP_NUM_THREADS=1
# No curl in the JRE image and no Java start-up per probe: bash's /dev/tcp speaks HTTP/1.0 to
# /health, which answers 200 while Kafka Streams is RUNNING and a model is loaded, else 503.
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && timeout 4 head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=8m", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", \
            "-Dorg.bytedeco.javacpp.maxbytes=4G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=8G", \
            "-jar", "/opt/pinwheel/pinwheel.jar"]
CMD ["serve", "--config", "/etc/pinwheel/pinwheel.properties", "--metrics-host", "0.0.0.0"]
