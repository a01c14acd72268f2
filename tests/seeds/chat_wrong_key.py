#!/usr/bin/env python3
# A chat client with the wrong key (seed project 2's client, configured with another key): send
# one message, print what comes back (it cannot decrypt it), exit.
#
#   python3 chat_wrong_key.py HOST PORT MESSAGE
import base64
import os
import socket
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

WRONG_KEY = bytes.fromhex("ffeeddccbbaa99887766554433221100")


def main():
    if len(sys.argv) != 4:
        print("usage: chat_wrong_key.py HOST PORT MESSAGE", file=sys.stderr)
        return 2
    host, port, message = sys.argv[1:]
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(message.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(WRONG_KEY), modes.CBC(iv)).encryptor()
    ct = encryptor.update(data) + encryptor.finalize()

    sock = socket.create_connection((host, int(port)), timeout=10)
    print("Connected to server", flush=True)
    sock.sendall(base64.b64encode(iv + ct) + b"\n")
    print("Encrypted message sent", flush=True)
    reply = b""
    while b"\n" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    line = reply.strip().split(b"\n")[0]
    try:
        raw = base64.b64decode(line)
        decryptor = Cipher(algorithms.AES(WRONG_KEY), modes.CBC(raw[:16])).decryptor()
        plain = decryptor.update(raw[16:]) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        print("Decrypted reply:", (unpadder.update(plain) + unpadder.finalize()).decode("utf-8"), flush=True)
    except Exception as e:
        print("cannot decrypt the reply (%s): %r" % (type(e).__name__, line), flush=True)
    sock.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
