"""A real SMTP server for the test suite (aiosmtpd 1.4.6 from PyPI), writing each message it
accepts to <maildir>/new/ as one .eml file (written to tmp/ first, then renamed, so a reader
never sees half a message), with the envelope recipients as X-Test-Rcpt-To headers in front.

Recipients whose local part starts with "bounce" are refused with 550 (permanent), those that
start with "later" with 451 (temporary). With --cert and --key it offers STARTTLS and refuses
mail before it; with --auth user:password it wants that login (only after STARTTLS).

  python3 tests/smtp/server.py --port 2525 --maildir /tmp/mail [--cert c.pem --key k.pem] [--auth u:p]

Prints "ready <port>" once it listens; stops on SIGTERM or SIGINT.
"""

import argparse
import os
import signal
import ssl
import threading
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Maildir:
    def __init__(self, root):
        self.root = root
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(root, sub), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("later"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex + ".eml"
        head = "".join("X-Test-Rcpt-To: %s\r\n" % rcpt for rcpt in envelope.rcpt_tos)
        data = head.encode("ascii") + envelope.original_content
        tmp = os.path.join(self.root, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.root, "new", name))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    args = parser.parse_args()

    options = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            )
            return AuthResult(success=ok)

        options.update(authenticator=authenticator, auth_required=True,
                       auth_require_tls=bool(args.cert))
    controller = Controller(Maildir(args.maildir), hostname=args.host, port=args.port,
                            server_hostname="localhost", **options)
    controller.start()
    print("ready %d" % args.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
