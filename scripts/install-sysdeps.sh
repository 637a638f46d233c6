#!/usr/bin/env bash
# System converters the parsers call: pdftotext (poppler-utils) and antiword (legacy Word .doc);
# headless Chromium and its driver for the web UI's browser tests (tests/browser).
set -euo pipefail
missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v antiword >/dev/null 2>&1 || missing+=(antiword)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# The real Elasticsearch node of the contract tests (scripts/elasticsearch.sh): unpacked with unzip,
# fetched with Maven, run on Java 17.
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# pango for WeasyPrint (PDF reports, exportwatch/reports/pdf.py); pdftoppm (poppler-utils) renders them in tests
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
