#!/usr/bin/env python3
# AES-128-CBC client (seed project 1): encrypt a message with a random 16-byte IV and PKCS#7,
# send it to the server, print the server's encrypted reply.
#
#   python3 aes128_client.py HOST PORT KEYHEX MESSAGE VARIANT
#
# VARIANT is how this copy of the client puts the message on the wire:
#   newline     base64(IV + ciphertext) + "\n"
#   no-newline  base64(IV + ciphertext), no line end
#   crlf        base64(IV + ciphertext) + "\r\n"
#   iv-line     base64(IV) + "\n", then base64(ciphertext) + "\n"
#   iv-send     sock.send(base64(IV)); sock.send(base64(ciphertext))   (no line ends)
#   hex         hex(IV + ciphertext) + "\n"
#   json-b64    {"iv": base64, "ciphertext": base64} + "\n"
#   json-hex    {"iv": hex, "ciphertext": hex} + "\n"
#   raw         the bytes IV + ciphertext as they are
# Exit 0 when the reply decrypts, 3 when it does not (the reply is printed with repr), 1 on errors.
import base64
import json
import os
import socket
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


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


def b64(data):
    return base64.b64encode(data)


def unb64(text):
    return base64.b64decode(text, validate=True)


def send_message(sock, variant, iv, ct):
    if variant == "newline":
        sock.sendall(b64(iv + ct) + b"\n")
    elif variant == "no-newline":
        sock.send(b64(iv + ct))
    elif variant == "crlf":
        sock.sendall(b64(iv + ct) + b"\r\n")
    elif variant == "iv-line":
        sock.sendall(b64(iv) + b"\n")
        sock.sendall(b64(ct) + b"\n")
    elif variant == "iv-send":
        sock.send(b64(iv))
        sock.send(b64(ct))
    elif variant == "hex":
        sock.sendall((iv + ct).hex().encode() + b"\n")
    elif variant == "json-b64":
        msg = {"iv": b64(iv).decode(), "ciphertext": b64(ct).decode()}
        sock.sendall(json.dumps(msg).encode() + b"\n")
    elif variant == "json-hex":
        msg = {"iv": iv.hex(), "ciphertext": ct.hex()}
        sock.sendall(json.dumps(msg).encode() + b"\n")
    elif variant == "raw":
        sock.send(iv + ct)
    else:
        raise ValueError("unknown variant: " + variant)


def read_reply(key, variant, data):
    """The reply as (iv, ciphertext), or None while more is needed. Raises when it is wrong."""
    if variant == "raw":
        if len(data) < 32:
            return None
        return data[:16], data[16:]
    if b"\n" not in data and variant not in ("no-newline", "iv-send"):
        return None
    lines = data.strip().splitlines()
    if not lines:
        return None
    first = lines[0].strip()
    if variant in ("iv-line", "iv-send"):
        raw = unb64(first)
        if len(raw) != 16:  # not an IV on its own: treat it as IV + ciphertext
            return raw[:16], raw[16:]
        if len(lines) < 2:
            return None
        return raw, unb64(lines[1].strip())
    if variant == "hex":
        raw = bytes.fromhex(first.decode())
        return raw[:16], raw[16:]
    if variant in ("json-b64", "json-hex"):
        msg = json.loads(first)
        if variant == "json-b64":
            return unb64(msg["iv"]), unb64(msg["ciphertext"])
        return bytes.fromhex(msg["iv"]), bytes.fromhex(msg["ciphertext"])
    raw = unb64(first)
    return raw[:16], raw[16:]


def main():
    if len(sys.argv) != 6:
        print("usage: aes128_client.py HOST PORT KEYHEX MESSAGE VARIANT", file=sys.stderr)
        return 2
    host, port, key_hex, message, variant = sys.argv[1:]
    key = bytes.fromhex(key_hex)

    sock = socket.create_connection((host, int(port)), timeout=10)
    print("Connected to server", flush=True)
    iv, ct = encrypt(key, message)
    send_message(sock, variant, iv, ct)
    print("Encrypted message sent", flush=True)

    data = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            chunk = b""
        if not chunk:
            break  # closed (or nothing more came): use what we have
        data += chunk
        try:
            reply = read_reply(key, variant, data)
            if reply is not None:
                print("Decrypted reply:", decrypt(key, *reply), flush=True)
                sock.close()
                return 0
        except Exception:
            if variant == "raw" or b"\n" not in data:
                continue  # maybe not all of it yet
            print("Reply:", repr(data), flush=True)
            return 3
    sock.close()
    try:
        reply = read_reply(key, variant, data + b"\n")
        if reply is not None:
            print("Decrypted reply:", decrypt(key, *reply), flush=True)
            return 0
    except Exception:
        pass
    print("Reply:", repr(data), flush=True)
    return 3


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
