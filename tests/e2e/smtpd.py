#!/usr/bin/python3
# smtpd.py: a real SMTP server (Debian python3-aiosmtpd) for the tests, storing each message as DIR/<n>.eml.
"""
smtpd.py --dir DIR [--host 127.0.0.1] [--port 0] [--ready FILE]
         [--reject PATTERN:CODE ...] [--auth USER:PASS]

Every accepted message is stored as DIR/<n>.eml (n = 1, 2, ...; the raw
bytes as received) with its envelope in DIR/<n>.env:

    mail_from: <address>
    rcpt_to: <address>          (one line per accepted recipient)
    connection: <k>             (the connection that carried it, from 1)
    auth: <user or ->

The .env is written before the .eml appears (by rename), so a test that sees
N.eml can read both. DIR/connections.log gets one line per accepted TCP
connection ("<k> <peer>"), so tests can count connections (reuse).

--reject PATTERN:CODE answers RCPT TO for addresses matching the shell
pattern with CODE (e.g. 451 or 550) and an enhanced status text.
--auth USER:PASS offers AUTH PLAIN/LOGIN without TLS and requires it.
--port 0 (the default) picks a free port; "<pid> <port>" is written to the
--ready file once the server listens. Runs until SIGTERM or SIGINT.
"""
import argparse
import asyncio
import fnmatch
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

REPLIES = {
    "421": "4.3.2 service not available",
    "450": "4.2.0 mailbox busy",
    "451": "4.3.0 mailbox temporarily unavailable",
    "452": "4.3.1 insufficient storage",
    "550": "5.1.1 no such user",
    "551": "5.1.6 user not local",
    "552": "5.2.2 mailbox full",
    "553": "5.1.3 mailbox name not allowed",
    "554": "5.7.1 rejected",
}


class Store:
    """Numbers messages and connections; writes files atomically."""

    def __init__(self, directory):
        self.dir = directory
        self.messages = 0
        self.connections = 0

    def write(self, name, data):
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.dir, name))

    def connection(self, peer):
        self.connections += 1
        with open(os.path.join(self.dir, "connections.log"), "a") as f:
            f.write("%d %s\n" % (self.connections, peer))
        return self.connections


class Handler:
    def __init__(self, store, rejects):
        self.store = store
        self.rejects = rejects

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for pattern, code in self.rejects:
            if fnmatch.fnmatchcase(address.lower(), pattern.lower()):
                return "%s %s" % (code, REPLIES.get(code, code[0] + ".0.0 rejected by test server"))
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.store.messages += 1
        n = self.store.messages
        user = "-"
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            user = session.auth_data.login.decode("utf-8", "replace")
        env = "mail_from: %s\n" % envelope.mail_from
        env += "".join("rcpt_to: %s\n" % r for r in envelope.rcpt_tos)
        env += "connection: %d\nauth: %s\n" % (getattr(session, "conn_no", 0), user)
        self.store.write("%d.env" % n, env.encode("utf-8"))
        self.store.write("%d.eml" % n, envelope.original_content)
        return "250 2.0.0 Message accepted for delivery"


class CountingSMTP(SMTP):
    """SMTP that numbers its connections (for the connection-reuse test)."""

    def __init__(self, handler, store, **kw):
        self._store = store
        super().__init__(handler, **kw)

    def connection_made(self, transport):
        super().connection_made(transport)
        self.session.conn_no = self._store.connection(transport.get_extra_info("peername"))


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticator


def parse_args(argv):
    p = argparse.ArgumentParser(description="SMTP server for restock tests")
    p.add_argument("--dir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--ready", help="write '<pid> <port>' here when listening")
    p.add_argument("--reject", action="append", default=[], metavar="PATTERN:CODE")
    p.add_argument("--auth", metavar="USER:PASS")
    a = p.parse_args(argv)
    rejects = []
    for r in a.reject:
        pattern, _, code = r.rpartition(":")
        if not pattern or not (code.isdigit() and len(code) == 3 and code[0] in "45"):
            p.error("--reject wants PATTERN:CODE with a 4xx or 5xx code: %r" % r)
        rejects.append((pattern, code))
    a.rejects = rejects
    return a


def main(argv):
    a = parse_args(argv)
    warnings.filterwarnings("ignore")  # AUTH without TLS is the point here
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(a.dir, exist_ok=True)
    store = Store(a.dir)
    handler = Handler(store, a.rejects)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    kw = {"hostname": "smtpd.test", "loop": loop, "enable_SMTPUTF8": True}
    if a.auth:
        user, _, password = a.auth.partition(":")
        kw.update(authenticator=make_authenticator(user, password),
                  auth_required=True, auth_require_tls=False)
    server = loop.run_until_complete(loop.create_server(
        lambda: CountingSMTP(handler, store, **kw), host=a.host, port=a.port))
    port = server.sockets[0].getsockname()[1]
    if a.ready:
        tmp = a.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d %d\n" % (os.getpid(), port))
        os.rename(tmp, a.ready)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
