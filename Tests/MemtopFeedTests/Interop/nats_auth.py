"""Makes what a NATS server needs for NKEY and JWT logins, with the nkeys package from PyPI (independent of
memtop's own NKEY code, which the tests check against it):

  nats_auth.py nkey DIR       DIR/user.nk (a user seed) and DIR/server.conf listing its public key
  nats_auth.py operator DIR   an operator, an account and a user, their JWTs signed as nats-server checks
                              them: DIR/server.conf (operator mode, the account preloaded), DIR/user.creds
                              (the user's JWT and seed, as `nsc generate creds` writes them), DIR/other.creds
                              (a user of an account the server does not know)

Each prints the user's public key."""
import base64
import hashlib
import json
import os
import sys
import time

import nkeys


def new_pair(prefix):
    seed = nkeys.encode_seed(os.urandom(32), prefix)
    return nkeys.from_seed(bytearray(seed))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(issuer, subject, name, nats):
    """A JWT as nats-io/jwt v2 encodes it: jti is the SHA-256 of the claims, the signature Ed25519."""
    claims = {"jti": "", "iat": int(time.time()), "iss": issuer.public_key.decode(), "name": name,
              "sub": subject.public_key.decode(), "nats": dict(nats, version=2)}
    digest = hashlib.sha256(json.dumps(claims, separators=(",", ":")).encode()).digest()
    claims["jti"] = base64.b32encode(digest).decode().rstrip("=")
    header = b64url(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = issuer.sign(f"{header}.{body}".encode())
    return f"{header}.{body}.{b64url(signature)}"


def creds(user_jwt, seed):
    return (f"-----BEGIN NATS USER JWT-----\n{user_jwt}\n------END NATS USER JWT------\n\n"
            "************************* IMPORTANT *************************\n"
            "NKEY Seed printed below can be used to sign and prove identity.\n"
            "NKEYs are sensitive and should be treated as secrets.\n\n"
            f"-----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n\n"
            "*************************************************************\n")


UNLIMITED = {"subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": True,
             "conn": -1, "leaf": -1}


def nkey(folder):
    user = new_pair(nkeys.PREFIX_BYTE_USER)
    with open(os.path.join(folder, "user.nk"), "w") as file:
        file.write(user.seed.decode() + "\n")
    with open(os.path.join(folder, "server.conf"), "w") as file:
        file.write(f'authorization {{ users = [ {{ nkey: "{user.public_key.decode()}" }} ] }}\n')
    return user


def operator(folder):
    operator_pair = new_pair(nkeys.PREFIX_BYTE_OPERATOR)
    account = new_pair(nkeys.PREFIX_BYTE_ACCOUNT)
    stranger = new_pair(nkeys.PREFIX_BYTE_ACCOUNT)  # signed by the operator but never given to the server
    operator_jwt = jwt(operator_pair, operator_pair, "memtop-test", {"type": "operator"})
    account_jwt = jwt(operator_pair, account, "fleet", {"type": "account", "limits": UNLIMITED})
    user = new_pair(nkeys.PREFIX_BYTE_USER)
    other = new_pair(nkeys.PREFIX_BYTE_USER)
    user_nats = {"type": "user", "pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1}
    with open(os.path.join(folder, "user.creds"), "w") as file:
        file.write(creds(jwt(account, user, "viewer", user_nats), user.seed.decode()))
    with open(os.path.join(folder, "other.creds"), "w") as file:
        file.write(creds(jwt(stranger, other, "stranger", user_nats), other.seed.decode()))
    with open(os.path.join(folder, "server.conf"), "w") as file:
        file.write(f'operator: "{operator_jwt}"\nresolver: MEMORY\n'
                   f'resolver_preload: {{ {account.public_key.decode()}: "{account_jwt}" }}\n')
    return user


if __name__ == "__main__":
    kind, folder = sys.argv[1], sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    pair = {"nkey": nkey, "operator": operator}[kind](folder)
    print(pair.public_key.decode())
