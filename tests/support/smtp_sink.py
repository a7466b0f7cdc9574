#!/usr/bin/python3
"""A real SMTP server on loopback for the email tests (Debian's python3-aiosmtpd).

Every accepted message is written to DIR/NNNNNN.eml (the bytes as received) and
DIR/NNNNNN.json (the envelope and the message parsed by Python's email package: decoded
headers and each part's decoded text), so the tests check our MIME with an independent
parser. Faults are injected through DIR/fault, read on every transaction: "451" or "550"
answers RCPT TO with that code, "drop" closes the connection at DATA. With --auth USER:PASS
it requires AUTH PLAIN/LOGIN (only one of them with --auth-mechanism) and refuses anything
else. With --discard it only counts
(benchmarks). With --tls starttls (STARTTLS required before anything else) or --tls
implicit (TLS from the first byte), it serves a self-signed certificate for 127.0.0.1 and
localhost generated into DIR/cert.pem, which the tests name as the client's CA file.

Prints "ready <port>" on stdout once listening; runs until its stdin closes, or with
--until-terminated until SIGTERM (shell scripts start it in the background)."""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def fault(directory):
    try:
        with open(os.path.join(directory, "fault")) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


class Sink:
    def __init__(self, directory, discard=False):
        self.directory = directory
        self.discard = discard
        self.lock = threading.Lock()
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        f = fault(self.directory)
        if f == "451":
            return "451 4.3.0 Try again later"
        if f == "550":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.discard:
            # Benchmarks: count only, so the sink's own work stays small and constant.
            with self.lock:
                self.count += 1
            return "250 2.0.0 Message accepted"
        if fault(self.directory) == "drop":
            server.transport.close()
            return "421 closing"
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            parts.append({"type": part.get_content_type(),
                          "charset": part.get_content_charset(),
                          "transfer_encoding": part.get("Content-Transfer-Encoding"),
                          "text": part.get_content()})
        record = {
            "mail_from": envelope.mail_from,
            "peer_port": session.peer[1],  # one per client connection
            # STARTTLS sets session.ssl; implicit TLS shows on the transport.
            "tls": session.ssl is not None or
            server.transport.get_extra_info("sslcontext") is not None,
            "rcpt_tos": envelope.rcpt_tos,
            "content_type": msg.get_content_type(),
            "headers": {k: str(v) for k, v in msg.items()},
            "parts": parts,
            "defects": [str(d) for d in msg.defects],
        }
        with self.lock:
            self.count += 1
            base = os.path.join(self.directory, "%06d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        with open(base + ".json.tmp", "w") as f:
            json.dump(record, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--auth", default="")
    p.add_argument("--discard", action="store_true")
    p.add_argument("--tls", choices=["", "starttls", "implicit"], default="")
    p.add_argument("--until-terminated", action="store_true",
                   help="serve until SIGTERM instead of until stdin closes")
    p.add_argument("--auth-mechanism", default="", help="offer only this AUTH mechanism")
    a = p.parse_args()
    kwargs = {}
    if a.tls:
        cert, key = os.path.join(a.dir, "cert.pem"), os.path.join(a.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if a.tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context)
    if a.auth:
        user, password = a.auth.split(":", 1)

        def check(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and \
                auth_data.login.decode() == user and auth_data.password.decode() == password
            # handled=False: aiosmtpd answers 535 itself (True would leave the client waiting).
            return AuthResult(success=ok, handled=False)

        # In clear only when the sink has no TLS: then the client's refusal is tested.
        kwargs.update(authenticator=check, auth_required=True, auth_require_tls=bool(a.tls))
        if a.auth_mechanism:
            others = {"PLAIN", "LOGIN"} - {a.auth_mechanism}
            kwargs.update(auth_exclude_mechanism=others)
    controller = Controller(Sink(a.dir, a.discard), hostname="127.0.0.1", port=a.port, **kwargs)
    controller.start()
    print("ready %d" % a.port, flush=True)
    if a.until_terminated:
        # Started in the background by a shell script, which ends it with SIGTERM.
        signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
        threading.Event().wait()
    try:
        sys.stdin.read()  # until the test closes our stdin (or kills us)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
