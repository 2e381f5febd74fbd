# One Berth node (used by docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install -g pnpm@10.34.8
COPY . .
RUN pnpm install --frozen-lockfile
EXPOSE 8080
CMD ["pnpm", "start"]
