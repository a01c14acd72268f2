#!/usr/bin/env python3
# Encrypted chat client (seed project 2): AES-CBC with a pre-shared key, a fresh IV per message.
# A thread prints every message that arrives; the main loop sends each line typed on stdin.
#
#   python3 chat_client.py HOST PORT KEYHEX NAME
#
# Each line typed is sent as base64(IV + ciphertext) + "\n", its text "NAME: line".
# At the end of stdin it waits a moment for replies, then closes.
import base64
import os
import socket
import sys
import threading
import time

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def encrypt(key, text):
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(text.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(data) + encryptor.finalize()) + b"\n"


def decrypt(key, line):
    raw = base64.b64decode(line)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
    data = decryptor.update(raw[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


def receive(sock, key):
    buf = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except OSError:
            return
        if not chunk:
            print("[server closed the connection]", flush=True)
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            try:
                print(decrypt(key, line.strip()), flush=True)
            except Exception as e:
                print("[cannot decrypt: %s]" % e, flush=True)


def main():
    if len(sys.argv) != 5:
        print("usage: chat_client.py HOST PORT KEYHEX NAME", file=sys.stderr)
        return 2
    host, port, key_hex, name = sys.argv[1:]
    key = bytes.fromhex(key_hex)
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.settimeout(None)
    print("Connected to server as", name, flush=True)
    threading.Thread(target=receive, args=(sock, key), daemon=True).start()
    for line in sys.stdin:
        text = line.rstrip("\n")
        if text:
            sock.sendall(encrypt(key, name + ": " + text))
    time.sleep(1)
    sock.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
