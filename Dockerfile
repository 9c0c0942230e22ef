# Hikaku app image: `docker compose up` builds it and runs it next to PostgreSQL.
# Node 24 is the current LTS line (Node 20 reached its end of life in April 2026).
FROM node:24-bookworm-slim
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
RUN chown node:node /app
# Built and run as the unprivileged node user: nothing in the image needs root.
USER node
COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node prisma ./prisma
COPY --chown=node:node prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY --chown=node:node . .
RUN npx next build
# The CLI as a bundle (scripts/cli.mjs), so `npm run hikaku` starts at once in the container.
RUN node --conditions=react-server scripts/cli.mjs --build
# Two malloc arenas instead of one per thread keep worker threads' freed memory from staying resident.
ENV NODE_ENV=production HOSTNAME=0.0.0.0 PORT=3000 MALLOC_ARENA_MAX=2
EXPOSE 3000
# Liveness: the process serves (GET /api/health). Readiness, for a load balancer, is GET /api/ready.
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Applies migrations, then serves; needs DATABASE_URL and NEXTAUTH_SECRET.
CMD ["npx", "tsx", "--conditions=react-server", "scripts/serve.ts"]
