# The engine's container image, on the official Swift images (Debian 12 "bookworm", as this
# project's machines): `docker build -t anomaly-engine .`
# It holds the release binary, the libraries it links and python3 for Python ingest functions,
# with the metrics folder at /app/metrics (mount or bake in your own over it). It runs as an
# unprivileged numeric user, as the generated Kubernetes manifests require (runAsNonRoot).
FROM swift:6.3-bookworm AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-dev libcurl4-openssl-dev zlib1g-dev libpq-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product engine --static-swift-stdlib \
 && install -D .build/release/engine /out/engine

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libsqlite3-0 libcurl4 zlib1g libpq5 libssl3 ca-certificates python3 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home engine
COPY --from=build /out/engine /usr/local/bin/engine
COPY metrics /app/metrics
WORKDIR /home/engine
USER 10001
ENV ENGINE_PLOTS=/tmp/plots
EXPOSE 8080
ENTRYPOINT ["engine"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--metrics", "/app/metrics"]
