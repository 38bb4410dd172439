#!/usr/bin/python3
"""Independent reference vectors for sgci's secretbox and cosign key code, made with libsodium
(Debian python3-nacl) and OpenSSL, never with sgci itself. Run once; the outputs are committed."""
import base64, hashlib, json, subprocess
import nacl.secret

# NaCl's published test key and nonce (tests/secretbox.c, "firstkey" / "nonce").
key = bytes.fromhex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389")
nonce = bytes.fromhex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37")
vectors = []
for length in (0, 1, 31, 32, 63, 64, 65, 131, 200, 1000):
    msg = bytes((i * 7 + 3) & 0xFF for i in range(length))
    box = nacl.secret.SecretBox(key).encrypt(msg, nonce).ciphertext
    vectors.append({"message": msg.hex(), "box": box.hex()})
with open("secretbox-libsodium.json", "w") as out:
    json.dump({"key": key.hex(), "nonce": nonce.hex(), "source": "libsodium via python3-nacl 1.5.0", "vectors": vectors}, out, indent=1)

# A cosign-format encrypted key made with OpenSSL + hashlib.scrypt + libsodium secretbox.
subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "/tmp/sgci-ref-ec.pem"], check=True)
der = subprocess.run(["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", "/tmp/sgci-ref-ec.pem", "-outform", "DER"], check=True, capture_output=True).stdout
pub = subprocess.run(["openssl", "ec", "-in", "/tmp/sgci-ref-ec.pem", "-pubout"], check=True, capture_output=True).stdout
password = b"sgci-reference-password"
salt = bytes(range(32))
knonce = bytes(range(100, 124))
derived = hashlib.scrypt(password, salt=salt, n=32768, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)
ct = nacl.secret.SecretBox(derived).encrypt(der, knonce).ciphertext
doc = {"kdf": {"name": "scrypt", "params": {"N": 32768, "r": 8, "p": 1}, "salt": base64.b64encode(salt).decode()},
       "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(knonce).decode()},
       "ciphertext": base64.b64encode(ct).decode()}
body = base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()
lines = [body[i:i + 64] for i in range(0, len(body), 64)]
with open("reference.key", "w") as out:
    out.write("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
with open("reference.pub", "wb") as out:
    out.write(pub)
with open("reference.password", "wb") as out:
    out.write(password)
