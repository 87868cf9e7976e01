#!/usr/bin/env bash
# Installs the third-party software the interop tests and benchmarks run against, from Debian
# packages: SIPp (sip-tester), Kamailio with its presence and dispatcher modules, openssl (test
# certificates), baresip (real phones for the recording B2BUA), Chromium (browser tests, driven by
# playwright-core, which downloads no browser) and Prometheus's promtool (checks /metrics).
# Idempotent; needs root (as on CI). Starts no service: the tests start what they need on loopback.
set -euo pipefail
need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v kamailio >/dev/null 2>&1 || need+=(kamailio)
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/presence.so ] || ls /usr/lib/*/kamailio/modules/presence.so >/dev/null 2>&1 || need+=(kamailio-presence-modules)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v baresip >/dev/null 2>&1 || need+=(baresip-core)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)

# The Kamailio modules the interop configs load (test/interop/kamailio/*.cfg); presence and
# presence_xml come from kamailio-presence-modules, the rest from kamailio itself.
modules=(tm tmx sl rr maxfwd textops siputils pv xlog usrloc registrar auth db_text presence presence_xml dispatcher)
check_modules() {
  local dir missing=()
  dir=$( (ls -d /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules 2>/dev/null || true) | head -1)
  for m in "${modules[@]}"; do [ -n "$dir" ] && [ -e "$dir/$m.so" ] || missing+=("$m"); done
  if [ ${#missing[@]} -gt 0 ]; then echo "Kamailio modules missing from ${dir:-<no module dir>}: ${missing[*]}" >&2; return 1; fi
}
if [ ${#need[@]} -eq 0 ]; then
  check_modules || exit 1
  echo "interop tools present: $(command -v sipp) $(command -v kamailio) $(command -v baresip) $(command -v chromium) $(command -v promtool)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then echo "need root to install ${need[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Keep the packages' maintainer scripts from starting Kamailio as a system service.
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
fi
apt-get install -y -qq --no-install-recommends "${need[@]}"
[ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
echo "installed: ${need[*]}"
check_modules
