#!/usr/bin/env bash
# Browser tests use Debian's Chromium (Playwright cannot download its own browser offline).
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq chromium) >/tmp/introserv-apt.log 2>&1 \
    || { echo "error: apt-get install chromium failed (see /tmp/introserv-apt.log)"; exit 1; }
  [ -x /usr/bin/chromium ] || { echo "error: chromium installed but /usr/bin/chromium is missing"; exit 1; }
  exit 0
fi
echo "error: /usr/bin/chromium is missing: run 'sudo apt-get install chromium' (Debian/Ubuntu) and re-run make test"
exit 1
