#!/usr/bin/env bash
# Regenerates the DEVELOPMENT certificates used by the TLS examples and specs:
# a CA, a server certificate for localhost / 127.0.0.1 / ::1, and a client certificate
# for mutual TLS, all signed by that CA and valid for 3650 days.
# Never use these keys for anything real: they are public, in this repository.
set -euo pipefail
cd "$(dirname "$0")"
DAYS=3650

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$DAYS" \
  -keyout ca.key -out ca.pem -subj "/CN=node-ipc-ts development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

issue() { # name, subject CN, extensions
  local name=$1 cn=$2 ext=$3
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn"
  printf '%s\n' "$ext" > "$name.ext"
  openssl x509 -req -sha256 -days "$DAYS" -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$name.pem" -extfile "$name.ext"
  rm -f "$name.csr" "$name.ext"
}

issue server localhost "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"

issue client node-ipc-ts-client "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

# A client certificate from a CA nobody trusts, to show mutual TLS refusing it.
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$DAYS" \
  -keyout untrusted.key -out untrusted.pem -subj "/CN=untrusted client"

# Diffie-Hellman parameters for the basic-more-secure example (DSA-style generation is fast).
openssl dhparam -dsaparam -out dhparam.pem 2048

rm -f ca.srl
echo "certificates written to $(pwd)"
