# syntax=docker/dockerfile:1
#
# Gatehouse container image.
#
#   docker build -t gatehouse .
#   docker run -p 3000:3000 -v gatehouse-data:/data gatehouse            # embedded PGlite in /data
#   docker run -p 3000:3000 -e DATABASE_URL=postgresql://… gatehouse     # PostgreSQL
#
# See docker-compose.yml for two Gatehouse instances on one PostgreSQL 15 and one Redis. Configuration is environment only
# (src/config.ts); DATA_DIR=/data holds the installation secret (unless GATEHOUSE_SECRET is set)
# and the PGlite database (unless DATABASE_URL is set). Migrations are applied at start-up.

# Node 24 (Active LTS). Node 20 is end-of-life; the code also runs on Node 20.19+ and 22
# (test/ops/node-versions.test.ts boots it on 22 and 24; the rest of the suite runs on the CI
# machine's Node). Build with --build-arg NODE_IMAGE=node:22-bookworm-slim for Node 22.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- dependencies -------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps

# python3, make and g++: scripts/postinstall.mjs builds argon2 from source when its prebuilt
# binary does not work on the build machine's CPU.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# node-gyp uses the headers the image ships (no download from nodejs.org)
ENV npm_config_nodedir=/usr/local

WORKDIR /app
# What `npm ci` and its postinstall (argon2 check, `prisma generate`) read.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts

# Install scripts of dependencies are skipped, as npm 11 does for this project (package.json
# "allowScripts": Prisma's engine download and esbuild's are not needed, and the image's npm may be
# older); the project's postinstall then checks/rebuilds argon2 and generates the Prisma client
# and the Pothos types into src/generated.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && node scripts/postinstall.mjs \
 && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------
FROM ${NODE_IMAGE}

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app
COPY package.json package-lock.json tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
COPY --from=deps /app/node_modules ./node_modules
# generated at install time (.dockerignore keeps any local copy out of the build context)
COPY --from=deps /app/src/generated/prisma ./src/generated/prisma
COPY --from=deps /app/src/generated/pothos-types.ts ./src/generated/pothos-types.ts

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node itself, not `npm start`: npm does not pass SIGTERM on, so node would keep serving until the
# runtime's SIGKILL. Gatehouse answers the requests in flight, drains queued work and exits 0
# (test/ops/container-shutdown.test.ts runs this very CMD). Run with --init (compose: `init: true`)
# so PID 1 also reaps children.
CMD ["node", "--import", "tsx", "src/main.ts"]
