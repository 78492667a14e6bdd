#!/usr/bin/env bash
# Debian packages the project needs at run time; installed only when missing (idempotent).
set -euo pipefail
packages=()
command -v python3.11 >/dev/null || command -v python3 >/dev/null || packages+=(python3 python3-venv)
# The admin's browser tests (tests/admin/) drive Debian's Chromium through Playwright; Playwright's
# own browser download is never used.
command -v chromium >/dev/null || packages+=(chromium)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing ${packages[*]}; install them with apt-get (root needed)" >&2; exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
fi
