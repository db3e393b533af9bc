# The engine's one Cloud Run service: `pipeline serve` on the compiled JavaScript, with production
# dependencies only (no tsx, no TypeScript), as a non-root user. Build and push: infra/README.md.
#   docker build -t IMAGE .            (or: podman build -t IMAGE .)
#   docker build --build-arg NODE_IMAGE=my-registry/node:20-slim -t IMAGE .
# NODE_IMAGE: any Node 20 image with npm (Debian-based: the DuckDB binding of the local backend needs glibc).
ARG NODE_IMAGE=node:20-slim

# ---- build: every dependency, then tsc → dist/ (engine, CLI, processors, the spec beside them)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json pipeline.yaml ./
COPY scripts ./scripts
COPY engine ./engine
COPY codegen ./codegen
COPY processors ./processors
COPY generated ./generated
COPY contracts ./contracts
COPY schema ./schema
RUN npm run build

# ---- production dependencies only
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime: node, the compiled tree, production node_modules; nothing else
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PIPELINE_SPEC=/app/dist/pipeline.yaml \
    PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# Runs as `node` (uid 1000, in the official images), which owns nothing here: the image is read-only
# to it. The local backend, if ever run in the image, needs PIPELINE_DIR on a writable path.
USER node
EXPOSE 8080
# exec form: SIGTERM reaches node itself (graceful shutdown: drain, interrupt, flush, exit 0).
CMD ["node", "--enable-source-maps", "dist/engine/cli/main.js", "serve"]
