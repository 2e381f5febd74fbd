#!/usr/bin/env bash
# Installs what Berth's tests need on a Debian or Ubuntu machine with Node 20+: pnpm, the
# workspace's packages, and redis-server and Chromium from the OS.
# Without root it says exactly what to install instead of failing halfway.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
# redis-server: the cluster tests run real Redis (no npm package ships its binary).
# chromium: the web client's end-to-end tests drive the OS's browser; no test tool downloads one.
# (Debian names it `chromium`; Ubuntu's `chromium-browser` is the same browser.)
OS_PACKAGES=(redis-server)
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if apt-cache show chromium >/dev/null 2>&1 || ! command -v apt-cache >/dev/null 2>&1; then
    OS_PACKAGES+=(chromium)
  else
    OS_PACKAGES+=(chromium-browser)
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Berth needs Node.js 20 or newer (found: $(node -v 2>/dev/null || echo none))." >&2
  exit 1
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "Installing pnpm $PNPM_VERSION with npm..."
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

missing=()
for pkg in "${OS_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Please install these OS packages first: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

pnpm install --frozen-lockfile
