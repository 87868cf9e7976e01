#!/usr/bin/env bash
# Installs the third-party SIP peers the interop tests and benchmarks run against:
# SIPp (Debian package sip-tester) and Kamailio. Idempotent; needs root (as on CI).
set -euo pipefail
need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v kamailio >/dev/null 2>&1 || need+=(kamailio)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -eq 0 ]; then echo "interop tools present: $(command -v sipp) $(command -v kamailio)"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "need root to install ${need[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Keep package maintainer scripts from starting services on the build machine.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
apt-get install -y -qq --no-install-recommends "${need[@]}"
echo "installed: ${need[*]}"
