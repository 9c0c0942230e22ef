# Hikaku app image: `docker compose up` builds it and runs it next to PostgreSQL.
FROM node:20-bookworm-slim
WORKDIR /app
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build
ENV NODE_ENV=production HOSTNAME=0.0.0.0 PORT=3000
EXPOSE 3000
# Applies migrations, then serves; needs DATABASE_URL and NEXTAUTH_SECRET.
CMD ["npx", "tsx", "--conditions=react-server", "scripts/serve.ts"]
