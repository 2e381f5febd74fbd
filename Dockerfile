# One Berth node (used by docker-compose.yml): the server plus the built web client it serves.
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install -g pnpm@10.34.8
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build
EXPOSE 8080
CMD ["pnpm", "start"]
