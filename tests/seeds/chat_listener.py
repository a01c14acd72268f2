#!/usr/bin/env python3
# A chat member that only listens (seed project 2's client without typing anything): connect,
# print every message for SECONDS seconds, never send.
#
#   python3 chat_listener.py HOST PORT KEYHEX SECONDS
import base64
import socket
import sys
import time

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def decrypt(key, line):
    raw = base64.b64decode(line)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
    data = decryptor.update(raw[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


def main():
    if len(sys.argv) != 5:
        print("usage: chat_listener.py HOST PORT KEYHEX SECONDS", file=sys.stderr)
        return 2
    host, port, key_hex, seconds = sys.argv[1:]
    key = bytes.fromhex(key_hex)
    sock = socket.create_connection((host, int(port)), timeout=10)
    print("Connected to server", flush=True)
    end = time.time() + float(seconds)
    buf = b""
    while time.time() < end:
        sock.settimeout(max(0.01, end - time.time()))
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            print("[server closed the connection]", flush=True)
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            try:
                print(decrypt(key, line.strip()), flush=True)
            except Exception as e:
                print("[cannot decrypt: %s]" % e, flush=True)
    sock.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
