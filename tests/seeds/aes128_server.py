#!/usr/bin/env python3
# AES-128-CBC server (seed project 1): accept one client, decrypt its message, print it, answer
# "Hello Client, message received securely" encrypted with a fresh IV.
#
#   python3 aes128_server.py PORT KEYHEX VARIANT [close|keep]
#
# PORT 0 picks a free port; the port is printed first. The client's message is one line,
# base64(IV + ciphertext). VARIANT is how the reply goes on the wire:
#   newline, no-newline, crlf, iv-line, hex, json-b64, json-hex, raw  (as in aes128_client.py)
# close (default): close the connection right after the reply; keep: wait for the client to close.
import base64
import json
import os
import socket
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

REPLY = "Hello Client, message received securely"


def encrypt(key, text):
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(text.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv, encryptor.update(data) + encryptor.finalize()


def decrypt(key, iv, ciphertext):
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    data = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


def reply_bytes(variant, iv, ct):
    b64 = base64.b64encode
    if variant == "newline":
        return b64(iv + ct) + b"\n"
    if variant == "no-newline":
        return b64(iv + ct)
    if variant == "crlf":
        return b64(iv + ct) + b"\r\n"
    if variant == "iv-line":
        return b64(iv) + b"\n" + b64(ct) + b"\n"
    if variant == "hex":
        return (iv + ct).hex().encode() + b"\n"
    if variant == "json-b64":
        return json.dumps({"iv": b64(iv).decode(), "ciphertext": b64(ct).decode()}).encode() + b"\n"
    if variant == "json-hex":
        return json.dumps({"iv": iv.hex(), "ciphertext": ct.hex()}).encode() + b"\n"
    if variant == "raw":
        return iv + ct
    raise ValueError("unknown variant: " + variant)


def main():
    if len(sys.argv) not in (4, 5):
        print("usage: aes128_server.py PORT KEYHEX VARIANT [close|keep]", file=sys.stderr)
        return 2
    port, key_hex, variant = sys.argv[1:4]
    ending = sys.argv[4] if len(sys.argv) == 5 else "close"
    key = bytes.fromhex(key_hex)

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(port)))
    server.listen(1)
    server.settimeout(10)
    print(server.getsockname()[1], flush=True)

    conn, addr = server.accept()
    conn.settimeout(10)
    data = b""
    while b"\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    raw = base64.b64decode(data.strip())
    print("Received:", decrypt(key, raw[:16], raw[16:]), flush=True)

    iv, ct = encrypt(key, REPLY)
    conn.sendall(reply_bytes(variant, iv, ct))
    print("Reply sent", flush=True)
    if ending == "keep":
        while conn.recv(4096):  # until the client closes
            pass
    conn.close()
    server.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
