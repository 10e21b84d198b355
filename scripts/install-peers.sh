#!/usr/bin/env bash
# Installs the Debian packages that the tests' real peers need, if they are missing. Idempotent.
set -euo pipefail
need=()
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# Syslog peers (test/syslog): rsyslog with both TLS drivers, and syslog-ng's shared libraries.
# syslog-ng-core itself conflicts with rsyslog (both provide system-log-daemon), so it is
# downloaded and unpacked under the repo instead (see ../shared/peers/SYSLOG-RECEIVERS.md).
command -v rsyslogd >/dev/null 2>&1 || need+=(rsyslog)
dpkg -s rsyslog-gnutls >/dev/null 2>&1 || need+=(rsyslog-gnutls)
dpkg -s rsyslog-openssl >/dev/null 2>&1 || need+=(rsyslog-openssl)
for lib in libcap2 libglib2.0-0 libivykis0 libjson-c5 libnet1 libpcre3 libssl3 libsystemd0 libwrap0; do
  dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
syslog_ng_dir="$(cd "$(dirname "$0")/.." && pwd)/.tmp/peers/syslog-ng"
if [ ! -x "$syslog_ng_dir/usr/sbin/syslog-ng" ]; then
  download="$(mktemp -d)"
  chmod 755 "$download" # lets apt download as _apt instead of unsandboxed
  # apt-get download needs package lists; refresh them once if they are missing or stale.
  (cd "$download" && apt-get download -qq syslog-ng-core) || (apt-get update -qq && cd "$download" && apt-get download -qq syslog-ng-core)
  rm -rf "$syslog_ng_dir"
  mkdir -p "$syslog_ng_dir"
  dpkg -x "$download"/syslog-ng-core_*.deb "$syslog_ng_dir"
  rm -rf "$download"
fi
