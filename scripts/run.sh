#!/usr/bin/env bash
# make run: build the storage server (Release) and run it in the foreground on https://127.0.0.1:9000.
# First run creates, under the git-ignored .run/ folder:
#   .run/certs/        CA + server certificate for 127.0.0.1 and localhost (storage-server certgen --ca)
#   .run/data/         object data
#   .run/credentials   random root credentials (delete the file to get new ones)
#   .run/kms-secret-key  a random static KMS key (name:base64); with it, auto-encryption is on: every object is
#                      encrypted at rest (SSE-KMS under the default key). Keep the file: without it the data is unreadable.
# A KMS configured in the environment (STORAGE_KMS_* or MINIO_KMS_*) is used instead of the generated key.
# STORAGE_KMS_AUTO_ENCRYPTION=off disables auto-encryption.
# Override with STORAGE_ROOT_USER / STORAGE_ROOT_PASSWORD, ADDRESS (default 127.0.0.1:9000).
set -euo pipefail

cd "$(dirname "$0")/.."
RUN_DIR="${RUN_DIR:-.run}"
ADDRESS="${ADDRESS:-127.0.0.1:9000}"
PORT="${ADDRESS##*:}"
OUT="$RUN_DIR/bin"

mkdir -p "$RUN_DIR/data" "$RUN_DIR/certs"

echo "Building storage-server (Release)..."
dotnet publish server/StorageOperator.S3Server -c Release -o "$OUT" -nologo -v q >/dev/null

SERVER=(dotnet "$OUT/storage-server.dll")

if [[ ! -f "$RUN_DIR/certs/public.crt" || ! -f "$RUN_DIR/certs/private.key" ]]; then
  echo "Generating a CA and a server certificate for 127.0.0.1,localhost in $RUN_DIR/certs ..."
  "${SERVER[@]}" certgen --ca --host "127.0.0.1,localhost" --out "$RUN_DIR/certs" >/dev/null
fi

if [[ -z "${STORAGE_ROOT_USER:-}" || -z "${STORAGE_ROOT_PASSWORD:-}" ]]; then
  if [[ ! -f "$RUN_DIR/credentials" ]]; then
    user="admin-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | head -c 32)"
    umask 077
    printf 'STORAGE_ROOT_USER=%s\nSTORAGE_ROOT_PASSWORD=%s\n' "$user" "$password" > "$RUN_DIR/credentials"
  fi
  # shellcheck disable=SC1090
  set -a; source "$RUN_DIR/credentials"; set +a
fi

if ! env | grep -qE '^(STORAGE|MINIO)_KMS_(SECRET_KEY|SECRET_KEY_FILE|KES_ENDPOINT)='; then
  if [[ ! -f "$RUN_DIR/kms-secret-key" ]]; then
    echo "Generating a static KMS key in $RUN_DIR/kms-secret-key ..."
    (umask 077; printf 'storage-default-key:%s' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')" > "$RUN_DIR/kms-secret-key")
  fi
  export STORAGE_KMS_SECRET_KEY_FILE="$(cd "$RUN_DIR" && pwd)/kms-secret-key"
fi
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
  encryption:   auto-encryption $STORAGE_KMS_AUTO_ENCRYPTION${STORAGE_KMS_SECRET_KEY_FILE:+ (static KMS key in $STORAGE_KMS_SECRET_KEY_FILE)}

  Try it (in another terminal):
    AWS_ACCESS_KEY_ID=$STORAGE_ROOT_USER AWS_SECRET_ACCESS_KEY=$STORAGE_ROOT_PASSWORD AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url $ENDPOINT --no-verify-ssl s3 ls
  (or AWS_CA_BUNDLE=$CA_FILE instead of --no-verify-ssl)

  Ctrl-C stops the server.

INFO

exec "${SERVER[@]}" server "$RUN_DIR/data" --address "$ADDRESS" --certs-dir "$RUN_DIR/certs"
