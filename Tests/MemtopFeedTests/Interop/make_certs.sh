#!/usr/bin/env bash
# Makes the certificates the TLS tests need, with openssl, into DIR: a CA (ca.pem), a server certificate for
# 127.0.0.1 and localhost (server.pem, server-key.pem), one for another name (other.pem, other-key.pem), and a
# client certificate (client.pem, client-key.pem), all signed by the CA; P-256 keys, valid for two days.
# Usage: make_certs.sh DIR
set -euo pipefail
cd "$1"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca-key.pem
openssl req -x509 -new -key ca-key.pem -out ca.pem -days 2 -subj "/CN=memtop test CA" 2>/dev/null
sign() {  # NAME SUBJECT EXTENSIONS
    key "$1-key.pem"
    openssl req -new -key "$1-key.pem" -out "$1.csr" -subj "$2" 2>/dev/null
    printf '%s\n' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out "$1.pem" -days 2 \
        -extfile "$1.ext" 2>/dev/null
}
sign server "/CN=127.0.0.1" "subjectAltName=IP:127.0.0.1,DNS:localhost"
sign other "/CN=other.example" "subjectAltName=DNS:other.example"
sign client "/CN=memtop viewer" "extendedKeyUsage=clientAuth"
