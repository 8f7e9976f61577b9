"""Start the sandbox: ``python -m sandbox --host 127.0.0.1 --port 8025``.

gunicorn serves it with ONE worker process and many threads (gthread). The store is
in that worker's memory, so more processes would each have their own reservations;
``--threads`` is the knob for concurrency, not workers.
"""

import argparse
import ipaddress
import sys
from datetime import date
from typing import Any

from gunicorn.app.base import BaseApplication

from sandbox.app import SandboxApp
from sandbox.faults import FAULT_KINDS, FaultSettings


class SandboxServer(BaseApplication):
    def __init__(self, *, options: dict[str, Any], app: SandboxApp) -> None:
        self._options = options
        self._app = app
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> SandboxApp:
        return self._app


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="Cargo Master sandbox server."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--token-ttl", type=int, default=3600, help="seconds")
    parser.add_argument(
        "--today", type=date.fromisoformat, help="fix 'today' for ship date checks"
    )
    parser.add_argument(
        "--fault-rate",
        action="append",
        default=[],
        metavar="KIND=RATE",
        help=f"random fault probability; KIND is one of {', '.join(FAULT_KINDS)}",
    )
    parser.add_argument(
        "--retry-after", default="1", help='seconds, or "http-date" (429 replies)'
    )
    parser.add_argument("--no-reply-seconds", type=float, default=5.0)
    parser.add_argument(
        "--allow-non-loopback",
        action="store_true",
        help="permit --host other than a loopback address",
    )
    return parser.parse_args(argv)


def fault_defaults(args: argparse.Namespace) -> FaultSettings:
    rates = {}
    for item in args.fault_rate:
        kind, _, rate = item.partition("=")
        if kind not in FAULT_KINDS:
            raise SystemExit(f"unknown fault kind {kind!r}")
        rates[kind] = float(rate)
    retry_after = args.retry_after
    return FaultSettings(
        latency_ms=args.latency_ms,
        token_ttl=args.token_ttl,
        rates=rates,
        retry_after=retry_after if retry_after == "http-date" else int(retry_after),
        no_reply_seconds=args.no_reply_seconds,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not ipaddress.ip_address(args.host).is_loopback and not args.allow_non_loopback:
        raise SystemExit(
            "the sandbox binds to loopback only (see --allow-non-loopback)"
        )
    url = f"http://{args.host}:{args.port}"

    def announce(worker: Any) -> None:
        # One line on stdout that scripts and the test fixture can wait for.
        print(f"cargo-master sandbox ready on {url}", flush=True)

    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": args.threads,
        "keepalive": 30,
        "timeout": 120,
        "graceful_timeout": 3,
        "loglevel": "warning",
        "accesslog": None,
        "post_worker_init": announce,
    }
    app = SandboxApp(defaults=fault_defaults(args), today=args.today)
    SandboxServer(options=options, app=app).run()


if __name__ == "__main__":
    main()
