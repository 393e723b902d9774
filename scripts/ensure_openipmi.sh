#!/usr/bin/env bash
# Server management is tested against Debian's BMC simulator, ipmi_sim (package openipmi); `make run` starts one
# for the demo dedicated server. Usage: ensure_openipmi.sh [--optional] (optional: a missing one only warns).
set -u
if command -v ipmi_sim >/dev/null && command -v sdrcomp >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's openipmi (the BMC simulator) with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq openipmi) >/tmp/introserv-apt-openipmi.log 2>&1 \
    || { echo "error: apt-get install openipmi failed (see /tmp/introserv-apt-openipmi.log)"; [ "${1:-}" = --optional ] && exit 0; exit 1; }
  command -v ipmi_sim >/dev/null && exit 0
fi
if [ "${1:-}" = --optional ]; then
  echo "note: ipmi_sim is missing (sudo apt-get install openipmi): the demo server has no management controller"
  exit 0
fi
echo "error: ipmi_sim is missing: run 'sudo apt-get install openipmi' (Debian/Ubuntu) and re-run make test"
exit 1
