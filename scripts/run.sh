#!/usr/bin/env bash
# make run: build (Release) and run the key server in the background on https://127.0.0.1:7373 and the storage
# server in the foreground on https://127.0.0.1:9000, with auto-encryption through the key server (as the seed ran
# MinIO with KES). Ctrl-C stops both; so does the storage server exiting.
#
# First run creates, under the git-ignored .run/ folder (kept afterwards, so data stays readable):
#   .run/key-server/certs/  the key server's CA, server certificate and the storage server's client certificate
#                           (key-server certs --client storage) and the keystore's root key (key-server root-key)
#   .run/key-server/keys/   the key server's keys, sealed with the root key
#   .run/certs/             CA + server certificate of the storage server for 127.0.0.1 and localhost
#   .run/data/              object data
#   .run/credentials        random root credentials (delete the file to get new ones)
#
# STORAGE_RUN_KMS=static    the old mode without a key server: a random static KMS key in .run/kms-secret-key.
#                           A .run/ made by that mode (kms-secret-key, no key-server/) stays in it, since its objects
#                           are sealed under the static key.
# A KMS configured in the environment (STORAGE_KMS_* or MINIO_KMS_*) is used instead of either.
# STORAGE_KMS_AUTO_ENCRYPTION=off disables auto-encryption.
#
# Overrides: STORAGE_ROOT_USER / STORAGE_ROOT_PASSWORD; STORAGE_RUN_DIR (default .run); STORAGE_RUN_PORT (9000)
# or ADDRESS (127.0.0.1:9000); KEY_SERVER_RUN_PORT (7373); KEY_SERVER_DEFAULT_KEY (storage-default-key);
# STORAGE_RUN_BIN=DIR runs storage-server.dll and key-server.dll from DIR without building;
# STORAGE_RUN_SKIP_BUILD=1 runs the previous build in .run/bin.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO="$(pwd)"
RUN_DIR="${STORAGE_RUN_DIR:-${RUN_DIR:-.run}}"
mkdir -p "$RUN_DIR"
# Absolute, because the key server's config resolves paths from it and the servers may not share our cwd.
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
ADDRESS="${ADDRESS:-127.0.0.1:${STORAGE_RUN_PORT:-9000}}"
PORT="${ADDRESS##*:}"
KEY_SERVER_PORT="${KEY_SERVER_RUN_PORT:-7373}"
KEY_NAME="${KEY_SERVER_DEFAULT_KEY:-storage-default-key}"

mkdir -p "$RUN_DIR/data" "$RUN_DIR/certs"

# Which KMS: one from the environment, the static key, or (default) the key server.
if env | grep -qE '^(STORAGE|MINIO)_KMS_(SECRET_KEY|SECRET_KEY_FILE|KES_ENDPOINT)='; then
  KMS_MODE=env
else
  KMS_MODE="${STORAGE_RUN_KMS:-kes}"
  if [[ -z "${STORAGE_RUN_KMS:-}" && -f "$RUN_DIR/kms-secret-key" && ! -d "$RUN_DIR/key-server" ]]; then
    echo "note: $RUN_DIR was created with a static KMS key; keeping that mode (delete $RUN_DIR to switch to the key server)."
    KMS_MODE=static
  fi
fi
case "$KMS_MODE" in
  env | static | kes) ;;
  *) echo "STORAGE_RUN_KMS must be 'kes' (default) or 'static', not '$KMS_MODE'" >&2; exit 2 ;;
esac

if [[ -n "${STORAGE_RUN_BIN:-}" ]]; then
  BIN="$(cd "$STORAGE_RUN_BIN" && pwd)"
else
  BIN="$RUN_DIR/bin"
  if [[ "${STORAGE_RUN_SKIP_BUILD:-}" != "1" ]]; then
    echo "Building storage-server and key-server (Release)..."
    dotnet publish server/StorageOperator.S3Server -c Release -o "$BIN" -nologo -v q >/dev/null
    if [[ "$KMS_MODE" == kes ]]; then
      dotnet publish server/StorageOperator.KeyServer -c Release -o "$BIN" -nologo -v q >/dev/null
    fi
  fi
fi
NEEDED=(storage-server.dll)
[[ "$KMS_MODE" != kes ]] || NEEDED+=(key-server.dll)
for dll in "${NEEDED[@]}"; do
  if [[ ! -f "$BIN/$dll" ]]; then
    echo "$BIN/$dll not found (build it, or unset STORAGE_RUN_BIN / STORAGE_RUN_SKIP_BUILD)" >&2
    exit 1
  fi
done
SERVER=(dotnet "$BIN/storage-server.dll")
KEY_SERVER=(dotnet "$BIN/key-server.dll")

if [[ ! -f "$RUN_DIR/certs/public.crt" || ! -f "$RUN_DIR/certs/private.key" ]]; then
  echo "Generating a CA and a server certificate for 127.0.0.1,localhost in $RUN_DIR/certs ..."
  "${SERVER[@]}" certgen --ca --host "127.0.0.1,localhost" --out "$RUN_DIR/certs" >/dev/null
fi

if [[ -z "${STORAGE_ROOT_USER:-}" || -z "${STORAGE_ROOT_PASSWORD:-}" ]]; then
  if [[ ! -f "$RUN_DIR/credentials" ]]; then
    user="admin-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | head -c 32)"
    (umask 077; printf 'STORAGE_ROOT_USER=%s\nSTORAGE_ROOT_PASSWORD=%s\n' "$user" "$password" > "$RUN_DIR/credentials")
  fi
  # shellcheck disable=SC1090
  set -a; source "$RUN_DIR/credentials"; set +a
fi

KEY_SERVER_PID=""
STORAGE_PID=""
# Stops what this script started: the storage server (when a signal reached only us) and then the key server.
stop_servers() {
  local pid
  for pid in "$STORAGE_PID" "$KEY_SERVER_PID"; do
    [[ -n "$pid" ]] || continue
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ENCRYPTION_INFO=""
case "$KMS_MODE" in
  static)
    if [[ ! -f "$RUN_DIR/kms-secret-key" ]]; then
      echo "Generating a static KMS key in $RUN_DIR/kms-secret-key ..."
      (umask 077; printf 'storage-default-key:%s' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')" > "$RUN_DIR/kms-secret-key")
    fi
    export STORAGE_KMS_SECRET_KEY_FILE="$RUN_DIR/kms-secret-key"
    ENCRYPTION_INFO=" (static KMS key in $STORAGE_KMS_SECRET_KEY_FILE)"
    ;;
  kes)
    KS_DIR="$RUN_DIR/key-server"
    KS_CERTS="$KS_DIR/certs"
    mkdir -p "$KS_DIR"
    chmod 700 "$KS_DIR"
    if [[ ! -f "$KS_CERTS/client-storage.cert" ]]; then
      echo "Generating the key server's certificates in $KS_CERTS ..."
    fi
    # Keeps existing files, so only the first run writes; it prints the client's identity every time.
    certs_out="$("${KEY_SERVER[@]}" certs --out "$KS_CERTS" --host 127.0.0.1 --host localhost --client storage)"
    KEY_SERVER_STORAGE_IDENTITY="$(awk '$1 == "client" && $2 == "storage:" { print $3 }' <<<"$certs_out")"
    if [[ ! "$KEY_SERVER_STORAGE_IDENTITY" =~ ^[0-9a-f]{64}$ ]]; then
      echo "key-server certs did not print the storage client's identity:" >&2
      echo "$certs_out" >&2
      exit 1
    fi
    export KEY_SERVER_STORAGE_IDENTITY
    if [[ ! -f "$KS_CERTS/root.key" ]]; then
      echo "Generating the key server's root key in $KS_CERTS/root.key ..."
      "${KEY_SERVER[@]}" root-key --out "$KS_CERTS/root.key" >/dev/null
    fi

    export KEY_SERVER_ADDRESS="127.0.0.1:$KEY_SERVER_PORT"
    export KEY_SERVER_DIR="$KS_DIR"
    export KEY_SERVER_DEFAULT_KEY="$KEY_NAME"
    KEY_SERVER_CONFIG="${KEY_SERVER_CONFIG:-$REPO/server/StorageOperator.KeyServer/run/key-server.yaml}"
    KS_ENDPOINT="https://127.0.0.1:$KEY_SERVER_PORT"
    KS_LOG="$KS_DIR/key-server.log"

    echo "Starting the key server on $KS_ENDPOINT (log: $KS_LOG) ..."
    "${KEY_SERVER[@]}" server --config "$KEY_SERVER_CONFIG" >"$KS_LOG" 2>&1 &
    KEY_SERVER_PID=$!
    ready=""
    for _ in $(seq 600); do
      if ! kill -0 "$KEY_SERVER_PID" 2>/dev/null; then
        break
      fi
      if curl -fsS -o /dev/null --max-time 2 --cacert "$KS_CERTS/ca.cert" \
          --cert "$KS_CERTS/client-storage.cert" --key "$KS_CERTS/client-storage.key" "$KS_ENDPOINT/v1/ready" 2>/dev/null; then
        ready=1
        break
      fi
      sleep 0.1
    done
    if [[ -z "$ready" ]]; then
      echo "The key server did not become ready on $KS_ENDPOINT; its log ($KS_LOG):" >&2
      tail -n 30 "$KS_LOG" >&2 || true
      exit 1
    fi

    export STORAGE_KMS_KES_ENDPOINT="$KS_ENDPOINT"
    export STORAGE_KMS_KES_KEY_NAME="$KEY_NAME"
    export STORAGE_KMS_KES_CERT_FILE="$KS_CERTS/client-storage.cert"
    export STORAGE_KMS_KES_KEY_FILE="$KS_CERTS/client-storage.key"
    export STORAGE_KMS_KES_CAPATH="$KS_CERTS/ca.cert"
    ENCRYPTION_INFO=" (key server $KS_ENDPOINT, key $KEY_NAME)"
    ;;
esac
export STORAGE_KMS_AUTO_ENCRYPTION="${STORAGE_KMS_AUTO_ENCRYPTION:-on}"

CA_FILE="$RUN_DIR/certs/CAs/ca.crt"
[[ -f "$CA_FILE" ]] || CA_FILE="$(ls "$RUN_DIR"/certs/CAs/*.crt 2>/dev/null | head -n1 || true)"
ENDPOINT="https://127.0.0.1:${PORT}"

cat <<INFO

  Storage server
  endpoint:     $ENDPOINT
  access key:   $STORAGE_ROOT_USER
  secret key:   $STORAGE_ROOT_PASSWORD
  data:         $RUN_DIR/data
  certificates: $RUN_DIR/certs${CA_FILE:+ (CA: $CA_FILE)}
  encryption:   auto-encryption $STORAGE_KMS_AUTO_ENCRYPTION$ENCRYPTION_INFO

  Try it (in another terminal):
    AWS_ACCESS_KEY_ID=$STORAGE_ROOT_USER AWS_SECRET_ACCESS_KEY=$STORAGE_ROOT_PASSWORD AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url $ENDPOINT --no-verify-ssl s3 ls
  (or AWS_CA_BUNDLE=$CA_FILE instead of --no-verify-ssl)

  Ctrl-C stops the server${KEY_SERVER_PID:+s}.

INFO

# In the background so that a signal to this script alone runs the traps at once (bash defers them while a
# foreground child runs); the traps then stop both servers.
"${SERVER[@]}" server "$RUN_DIR/data" --address "$ADDRESS" --certs-dir "$RUN_DIR/certs" &
STORAGE_PID=$!
status=0
wait "$STORAGE_PID" || status=$?
STORAGE_PID=""
exit "$status"
