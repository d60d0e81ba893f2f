# Shared by the bench scripts: the static upstream (nginx serving a conversation on any
# conversation path of contact "small" or "large"), a Redis, free ports, waiting for a JVM to
# answer, starting a JVM, and cleanup. Source it from the project's root with $work set.

export LC_ALL=C
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

require() { # tools that must be installed
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" > /dev/null; then
      echo "bench: $tool not found (see the top of this script for how to install it)" >&2
      exit 2
    fi
  done
  if [ ! -f target/quarkus-app/quarkus-run.jar ]; then
    echo "bench: no target/quarkus-app; run ./mvnw package -DskipTests first" >&2
    exit 2
  fi
}

# A conversation of at least $1 bytes, made of realistic messages.
conversation() {
  local want=$1 id=0 length message
  local head='{"id":42,"uuid":"0f6a2b0e-6a8c-4c55-9b7e-2d3c1f0e9a11","inbox_id":7,"contact_last_seen_at":1776340000,"status":"open","agent_last_seen_at":1776340001,"messages":['
  local tail='],"contact":{"id":55,"name":"Alice","email":null}}'
  printf '%s' "$head"
  length=${#head}
  while [ "$length" -lt "$want" ]; do
    id=$((id + 1))
    message="{\"id\":$id,\"content\":\"Message $id: could you check the order I placed yesterday? It still says pending.\",\"message_type\":$((id % 2)),\"content_type\":\"text\",\"content_attributes\":{},\"created_at\":$((1776339000 + id)),\"conversation_id\":42,\"sender\":{\"id\":$((id % 2 == 0 ? 55 : 3)),\"name\":\"Alice\",\"type\":\"$([ $((id % 2)) -eq 0 ] && echo contact || echo user)\"}}"
    [ "$id" -gt 1 ] && printf ','
    printf '%s' "$message"
    length=$((length + ${#message} + 1))
  done
  printf '%s' "$tail"
}

free_port() { # a random port nothing answers on
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (: > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# Waits up to 60 s for a 2xx from $1 (a JVM starting on a busy machine); ends the script when none comes.
wait_for() {
  local _
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$1"; then return; fi
    sleep 0.5
  done
  echo "bench: no answer from $1; logs in $work/logs/" >&2
  exit 1
}

# Starts a packaged Quarkus app (the service or the floor) in the background with $java_opts,
# answering on port $3 and reading the static upstream, its cap on upstream calls off unless
# $calls_per_minute sets one (a benchmark makes far more calls than any quota allows), its output in
# $work/logs/$1.log; the rest of the arguments are environment settings (NAME=value). Sets
# $java_pid and $java_management_port.
start_java() {
  local name=$1 jar=$2 port=$3
  shift 3
  java_management_port=$(free_port)
  # shellcheck disable=SC2086
  env "$@" LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE="${calls_per_minute:-0}" OMNIVIBE_BASE_URL="http://127.0.0.1:$upstream_port" \
    QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$java_management_port" \
    "$java_bin" $java_opts -jar "$jar" > "$work/logs/$name.log" 2>&1 &
  java_pid=$!
  pids+=("$java_pid")
}

# As start_java, for a native executable ($2), with the options in $BENCH_NATIVE_OPTS (none: the
# heap built into it). Sets $java_pid and $java_management_port, as start_java does.
start_native() {
  local name=$1 executable=$2 port=$3 options
  shift 3
  read -r -a options <<< "${BENCH_NATIVE_OPTS-}"
  java_management_port=$(free_port)
  env "$@" LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE="${calls_per_minute:-0}" OMNIVIBE_BASE_URL="http://127.0.0.1:$upstream_port" \
    QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$java_management_port" \
    "$executable" "${options[@]}" > "$work/logs/$name.log" 2>&1 &
  java_pid=$!
  pids+=("$java_pid")
}

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

nginx_conf() { # $1: name, $2: the http block's servers
  mkdir -p "$work/$1-temp" "$work/logs"
  cat > "$work/$1.conf" <<CONF
worker_processes auto;
daemon off;
pid $PWD/$work/$1.pid;
error_log $PWD/$work/logs/$1-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $PWD/$work/$1-temp/body;
  proxy_temp_path $PWD/$work/$1-temp/proxy;
  fastcgi_temp_path $PWD/$work/$1-temp/fastcgi;
  uwsgi_temp_path $PWD/$work/$1-temp/uwsgi;
  scgi_temp_path $PWD/$work/$1-temp/scgi;
  $2
}
CONF
}

# Starts the static upstream on $upstream_port, serving $work/www/small.json and large.json (also
# to contacts named small-<anything>, so that callers can ask for conversations no other asks for),
# with an access log of every call when $upstream_log names a file.
start_upstream() {
  mkdir -p "$work/www"
  conversation 15000 > "$work/www/small.json"
  conversation 400000 > "$work/www/large.json"
  nginx_conf upstream "${upstream_log:+log_format calls '\$msec';}
  server {
    listen 127.0.0.1:$upstream_port;
    root $PWD/$work/www;
    ${upstream_log:+access_log $upstream_log calls;}
    location ~ ^/public/api/v1/inboxes/bench/contacts/(small|large)(-[a-z0-9]+)?/conversations/[0-9]+\$ {
      default_type application/json;
      try_files /\$1.json =404;
    }
  }"
  "$nginx_bin" -p "$PWD/$work" -c "$PWD/$work/upstream.conf" 2> "$work/logs/upstream.log" &
  upstream_pid=$!
  pids+=("$upstream_pid")
}

# Starts a Redis on $redis_port: redis-server from the PATH, else the one in the embedded-redis
# artifact the tests use (./mvnw verify fetches it).
start_redis() {
  local redis_bin redis_jar
  redis_bin="$(command -v redis-server || true)"
  if [ -z "$redis_bin" ]; then
    redis_jar=$(find ~/.m2/repository/com/github/codemonstur/embedded-redis -name 'embedded-redis-*.jar' 2> /dev/null | sort | tail -n 1)
    if [ -z "$redis_jar" ]; then
      echo "bench: the Redis target needs redis-server on the PATH or the embedded-redis artifact (./mvnw verify)" >&2
      exit 2
    fi
    redis_bin="$work/redis-server"
    unzip -p "$redis_jar" redis-server-6.2.6-v5-linux-amd64 > "$redis_bin"
    chmod +x "$redis_bin"
  fi
  redis_port=$(free_port)
  "$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no > "$work/logs/redis.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
}
