#!/usr/bin/env bash
# A local single-node Elasticsearch for development and the search contract tests.
#
#   scripts/elasticsearch.sh install   fetch + unpack the pinned distribution (cached, reused)
#   scripts/elasticsearch.sh start     start a node on 127.0.0.1:$EXPORTWATCH_ES_PORT, wait for health
#   scripts/elasticsearch.sh stop      stop that node (--purge: and delete its data and logs)
#   scripts/elasticsearch.sh status    exit 0 if that node answers, 3 if not
#
# Every command is idempotent. No ES server exists in PyPI/npm/Debian, so we take the official
# runnable integ-test-zip from Maven Central (server + HTTP, no analysis-common/painless).
#
# Environment:
#   EXPORTWATCH_ES_PORT           HTTP port (default 9200); the transport port is picked from 9300-9400
#   EXPORTWATCH_ES_CACHE          where distributions are cached (default: see CACHE_ROOT below)
#   EXPORTWATCH_ES_NODE_DIR       data/log/config/pid dir of the node (default: $CACHE/node-$PORT)
#   EXPORTWATCH_ES_JAVA_HOME      JDK to run it (default: Java 17, which ES 8.x supports)
#   EXPORTWATCH_ES_HEAP           heap size (default 512m)
#   EXPORTWATCH_ES_START_TIMEOUT  seconds to wait for a yellow/green cluster (default 180)
set -euo pipefail

# Pinned: the newest release on Maven Central (no 9.x integ-test-zip is published there); 8.x runs
# on the Java 17 this machine has and matches the elasticsearch>=8,<9 Python client.
ES_VERSION=8.19.21
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
ES_USER=exportwatch-es
PORT="${EXPORTWATCH_ES_PORT:-9200}"
JAVA_HOME_ES="${EXPORTWATCH_ES_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
HEAP="${EXPORTWATCH_ES_HEAP:-512m}"
START_TIMEOUT="${EXPORTWATCH_ES_START_TIMEOUT:-180}"
PLUGIN_NAME=exportwatch-analysis

if [ "$(id -u)" -eq 0 ]; then
  # ES refuses to run as root, and the dedicated user cannot traverse /root (mode 700): as root
  # the cache lives under /var/cache rather than $HOME/.cache.
  CACHE_ROOT="${EXPORTWATCH_ES_CACHE:-/var/cache/exportwatch/elasticsearch}"
else
  CACHE_ROOT="${EXPORTWATCH_ES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exportwatch/elasticsearch}"
fi
CACHE="$CACHE_ROOT/$ES_VERSION"
ES_HOME="$CACHE/elasticsearch-$ES_VERSION"
NODE_DIR="${EXPORTWATCH_ES_NODE_DIR:-$CACHE/node-$PORT}"
PID_FILE="$NODE_DIR/elasticsearch.pid"
URL="http://127.0.0.1:$PORT"

die() { echo "elasticsearch.sh: $*" >&2; exit 1; }

# Prefix that runs a command as the user the node runs as (the dedicated user when we are root).
if [ "$(id -u)" -eq 0 ]; then AS_ES=(runuser -u "$ES_USER" --); else AS_ES=(); fi

# Serialise install/start/stop across concurrent callers (two test sessions, a developer shell).
lock() {
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.lock"
  flock -w 600 9 || die "timed out waiting for the lock $CACHE_ROOT/.lock"
}

health() {
  curl -fsS --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null \
    | grep -Eq '"status":"(yellow|green)"'
}

node_pid() {
  [ -s "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

plugin_sources() {
  # The distribution lacks analysis-common (no stemmer, no asciifolding, no pattern tokenizer), but
  # Lucene's analysis classes ship in lib/. This stable plugin (the plugin API ES 8 keeps
  # compatible across versions) exposes three of them, so the English subfields tokenize, fold
  # and stem like the embedded backend's FTS5 "porter unicode61 remove_diacritics 2" tokenizer.
  local dir="$1"
  mkdir -p "$dir/org/exportwatch/analysis"
  cat >"$dir/org/exportwatch/analysis/WordTokenizerFactory.java" <<'JAVA'
package org.exportwatch.analysis;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenizerFactory;

/** Tokens are runs of letters, numbers and private-use characters, like SQLite's unicode61. */
@NamedComponent("exportwatch_words")
public class WordTokenizerFactory implements TokenizerFactory {
    static boolean isTokenChar(int c) {
        switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.PRIVATE_USE:
                return true;
            default:
                return false;
        }
    }

    @Override
    public Tokenizer create() {
        return CharTokenizer.fromTokenCharPredicate(WordTokenizerFactory::isTokenChar);
    }
}
JAVA
  cat >"$dir/org/exportwatch/analysis/AsciiFoldingFilterFactory.java" <<'JAVA'
package org.exportwatch.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

@NamedComponent("exportwatch_asciifolding")
public class AsciiFoldingFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream in) {
        return new ASCIIFoldingFilter(in);
    }

    @Override
    public TokenStream normalize(TokenStream in) {
        return new ASCIIFoldingFilter(in);
    }
}
JAVA
  cat >"$dir/org/exportwatch/analysis/PorterStemFilterFactory.java" <<'JAVA'
package org.exportwatch.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

@NamedComponent("exportwatch_porter")
public class PorterStemFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream in) {
        return new PorterStemFilter(in);
    }
}
JAVA
}

build_plugin() {
  local build="$CACHE/plugin-build" dest="$ES_HOME/plugins/$PLUGIN_NAME" stamp
  rm -rf "$build"
  mkdir -p "$build/src" "$build/classes"
  plugin_sources "$build/src"
  stamp="$(cat "$build"/src/org/exportwatch/analysis/*.java | sha256sum | cut -c1-16)"
  if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp" ]; then rm -rf "$build"; return 0; fi
  echo "building the $PLUGIN_NAME plugin"
  "$JAVA_HOME_ES/bin/javac" -nowarn --release 17 -d "$build/classes" -cp "$ES_HOME/lib/*" \
    "$build"/src/org/exportwatch/analysis/*.java || die "javac failed building $PLUGIN_NAME"
  rm -rf "$dest"
  mkdir -p "$dest"
  "$JAVA_HOME_ES/bin/jar" cf "$dest/$PLUGIN_NAME.jar" -C "$build/classes" .
  cat >"$dest/stable-plugin-descriptor.properties" <<EOF
description=Unicode61-like tokenizer, ASCII folding and Porter stemming from Lucene, for ExportWatch
version=1.0.0
name=$PLUGIN_NAME
java.version=17
elasticsearch.version=$ES_VERSION
EOF
  local p=org.exportwatch.analysis
  cat >"$dest/named_components.json" <<EOF
{"org.elasticsearch.plugin.analysis.TokenizerFactory": {"exportwatch_words": "$p.WordTokenizerFactory"},
 "org.elasticsearch.plugin.analysis.TokenFilterFactory": {
   "exportwatch_asciifolding": "$p.AsciiFoldingFilterFactory",
   "exportwatch_porter": "$p.PorterStemFilterFactory"}}
EOF
  echo "$stamp" >"$dest/.stamp"
  rm -rf "$build"
}

cmd_install() {
  lock
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  [ -x "$JAVA_HOME_ES/bin/java" ] || die "no Java at $JAVA_HOME_ES (set EXPORTWATCH_ES_JAVA_HOME)"
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    mkdir -p "$CACHE"
    local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
    if [ ! -s "$zip" ]; then
      echo "fetching $ES_ARTIFACT"
      mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$CACHE" \
        || die "mvn could not fetch $ES_ARTIFACT"
    fi
    # Unpack beside, then rename: an interrupted unzip never looks like a finished install.
    rm -rf "$CACHE/unpack"
    unzip -q "$zip" -d "$CACHE/unpack"
    mv "$CACHE/unpack/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$CACHE/unpack" "$zip"
  fi
  build_plugin
  if [ "$(id -u)" -eq 0 ]; then
    id -u "$ES_USER" >/dev/null 2>&1 \
      || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
    # Only what is not theirs yet: a full chown -R of the distribution on every call is slow.
    find "$CACHE" ! -user "$ES_USER" -exec chown "$ES_USER:" {} +
    runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" \
      || die "$ES_USER cannot reach $ES_HOME: choose a world-traversable EXPORTWATCH_ES_CACHE"
  fi
  echo "elasticsearch $ES_VERSION installed in $ES_HOME"
}

cmd_start() {
  [ -x "$ES_HOME/bin/elasticsearch" ] || cmd_install
  lock
  if node_pid >/dev/null && health; then
    echo "elasticsearch already running at $URL (pid $(node_pid))"
    return 0
  fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$URL" || true)" != 000 ]; then
    die "$URL answers but is not the node in $NODE_DIR; choose another EXPORTWATCH_ES_PORT"
  fi
  if pid="$(node_pid)"; then
    # Our node is alive but not healthy yet (e.g. a previous start timed out): wait for it below.
    echo "elasticsearch pid $pid is starting"
  else
    mkdir -p "$NODE_DIR/data" "$NODE_DIR/logs" "$NODE_DIR/tmp"
    # A config dir per node: ES writes its keystore there, and settings differ per port.
    rm -rf "$NODE_DIR/config"
    cp -r "$ES_HOME/config" "$NODE_DIR/config"
    cat >"$NODE_DIR/config/elasticsearch.yml" <<EOF
cluster.name: exportwatch-$PORT
node.name: exportwatch-$PORT
network.host: 127.0.0.1
http.port: $PORT
transport.port: 9300-9400
discovery.type: single-node
path.data: $NODE_DIR/data
path.logs: $NODE_DIR/logs
xpack.security.enabled: false
# A nearly full developer disk must not flip the indices to read-only in the middle of a test.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    if [ "$(id -u)" -eq 0 ]; then chown -R "$ES_USER:" "$NODE_DIR"; fi
    rm -f "$PID_FILE"
    local t0=$SECONDS
    # -d returns once the node has started (or failed to); the timeout covers a hung start-up.
    local rc=0
    (cd "$NODE_DIR/logs" && timeout "$START_TIMEOUT" env -u JAVA_HOME \
          ES_JAVA_HOME="$JAVA_HOME_ES" ES_PATH_CONF="$NODE_DIR/config" ES_TMPDIR="$NODE_DIR/tmp" \
          ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${EXPORTWATCH_ES_JAVA_OPTS:-}" \
          "${AS_ES[@]}" "$ES_HOME/bin/elasticsearch" -d -p "$PID_FILE" \
          >"$NODE_DIR/logs/stdout.log" 2>&1) || rc=$?
    if [ $rc -ne 0 ]; then
      tail -n 40 "$NODE_DIR/logs/stdout.log" >&2 || true
      tail_logs
      if pid="$(node_pid)"; then kill -KILL "$pid" 2>/dev/null || true; fi
      [ $rc -eq 124 ] && die "elasticsearch did not start within ${START_TIMEOUT}s (logs in $NODE_DIR/logs)"
      die "elasticsearch failed to start, exit $rc (logs in $NODE_DIR/logs)"
    fi
    echo "launched elasticsearch $ES_VERSION (daemon up after $((SECONDS - t0))s)"
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until health; do
    if ! node_pid >/dev/null && [ -s "$PID_FILE" ]; then
      tail_logs; die "elasticsearch exited during start-up (logs in $NODE_DIR/logs)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail_logs; die "elasticsearch at $URL not yellow/green after ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  echo "elasticsearch $ES_VERSION up at $URL (pid $(node_pid))"
}

tail_logs() {
  local log="$NODE_DIR/logs/exportwatch-$PORT.log"
  echo "---- last lines of $log ----" >&2
  tail -n 40 "$log" >&2 2>/dev/null || echo "(no log)" >&2
}

cmd_stop() {
  local pid purge="${1:-}"
  case "$purge" in ""|--purge) ;; *) die "usage: $0 stop [--purge]" ;; esac
  if ! pid="$(node_pid)"; then
    echo "elasticsearch on port $PORT is not running"
  else
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt 120 ]; do sleep 0.5; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      echo "elasticsearch pid $pid ignored SIGTERM for 60s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "elasticsearch on port $PORT stopped"
  fi
  rm -f "$PID_FILE"
  # --purge: a throw-away node (the test suite's) leaves no data or logs behind.
  if [ "$purge" = --purge ] && [ -d "$NODE_DIR" ]; then rm -rf "$NODE_DIR"; fi
}

cmd_status() {
  if health; then
    echo "elasticsearch up at $URL (pid $(node_pid || echo "not ours"))"
    return 0
  fi
  echo "elasticsearch not answering at $URL"
  return 3
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) lock; cmd_stop "${2:-}" ;;
  status) cmd_status ;;
  *) echo "usage: $0 install|start|stop [--purge]|status" >&2; exit 2 ;;
esac
