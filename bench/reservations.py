#!/usr/bin/env python
"""Benchmark: N sent POs through the reservation pipeline against a plain loop.

For each sandbox latency (0 ms and 80 ms by default) it:
  1. starts the sandbox and Celery worker processes on a fresh database,
  2. sends N draft POs in one bulk action (the PO list's Send POs, through the
     Django test client) in automatic mode, and waits until all are reserved,
  3. posts the same payloads to the same sandbox one after another over one HTTP
     session (the plain baseline),
and prints both rates and their ratio, p50/p99 from send to reserved, how long
the bulk action took to return, and the sign-ins and TCP connections the
pipeline used (the sandbox counts them).

    .venv/bin/python bench/reservations.py [--pos 1000] [--latency-ms 0 80]

Needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL; defaults point at
127.0.0.1 and a `komet_bench` database that the script drops and recreates).
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/komet_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komet.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from companies.models import Company, Membership, Role  # noqa: E402
from integrations.models import (  # noqa: E402
    CargoMasterSettings,
    Reservation,
    ReservationStatus,
    SendMode,
)
from integrations.services import reservation_body  # noqa: E402
from komet.celery import app as celery_app  # noqa: E402
from purchase_orders.models import BoxType, Product, PurchaseOrder  # noqa: E402
from purchase_orders.services import LineInput, purchase_order_create  # noqa: E402
from sandbox.seed import (  # noqa: E402
    DEMO_IMPORTER_CODE,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from vendors.models import Vendor  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pos", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[0, 80])
    parser.add_argument("--worker-threads", type=int, default=8)
    args = parser.parse_args()

    print(f"{args.pos} POs, worker: 1 process x {args.worker_threads} threads")
    print(f"database {connection.vendor}, broker {settings.CELERY_BROKER_URL}\n")
    for latency in args.latency_ms:
        run(pos=args.pos, latency_ms=latency, threads=args.worker_threads)


def run(*, pos: int, latency_ms: int, threads: int) -> None:
    fresh_database()
    port = free_port()
    sandbox = start(
        "sandbox",
        [sys.executable, "-m", "sandbox", "--port", str(port),
         "--latency-ms", str(latency_ms)],
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    settings.CARGO_MASTER_URLS = {"sandbox": url, "production": url}
    wait_for_http(url + "/_sandbox/health")
    worker = start(
        "worker",
        [sys.executable, "-m", "celery", "-A", "komet", "worker",
         "--pool", "threads", "--concurrency", str(threads), "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env={"CARGO_MASTER_SANDBOX_URL": url},
    )  # fmt: skip
    try:
        time.sleep(3)  # the worker connects to the broker
        client, ids = prepare(pos)
        pipeline = measure_pipeline(client, ids, url)
        plain = measure_plain_loop(ids, url)
    finally:
        for process in (worker, sandbox):
            process.terminate()
            process.wait(timeout=20)
    report(latency_ms, pos, pipeline, plain)


def fresh_database() -> None:
    connection.close()
    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "postgresql":
        admin = settings.DATABASES["default"] | {"NAME": "postgres"}
        import psycopg

        with psycopg.connect(
            dbname="postgres",
            user=admin["USER"] or "postgres",
            host=admin["HOST"] or "127.0.0.1",
            port=admin["PORT"] or 5432,
            autocommit=True,
        ) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            pg.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    celery_app.control.purge()


def prepare(pos: int) -> tuple[Client, list[int]]:
    company = Company.objects.create(code="bench", name="Bench Importer")
    user = get_user_model().objects.create_user("bench-buyer")
    Membership.objects.create(user=user, company=company, role=Role.BUYER)
    linked = CargoMasterSettings(
        company=company,
        username=DEMO_USERNAME,
        importer_code=DEMO_IMPORTER_CODE,
        send_mode=SendMode.AUTOMATIC,
    )
    linked.set_password(DEMO_PASSWORD)
    linked.save()
    vendor = Vendor.objects.create(
        company=company,
        code="FLOTA",
        name="Flores La Ñusta",
        country="EC",
        origin="UIO",
        order_emails="orders@flota.example.com",
        cargo_master_code="UIO07100",
    )
    half = BoxType.objects.create(company=company, code="HB", name="Half", fbe="0.5")
    rose = Product.objects.create(
        company=company, code="RO-FREE-50", description="Rose Freedom 50cm"
    )
    ship_date = timezone.localdate() + timezone.timedelta(days=5)
    line = LineInput(
        product=rose,
        box_type=half,
        boxes=4,
        unit_type="stem",
        bunches_per_box=12,
        stems_per_bunch=25,
        unit_cost="0.45",
        mark_code="GRC-ATL",
    )
    ids = [
        purchase_order_create(
            company=company, vendor=vendor, ship_date=ship_date, lines=[line]
        ).pk
        for _ in range(pos)
    ]
    client = Client()
    client.force_login(user)
    return client, ids


def measure_pipeline(client: Client, ids: list[int], url: str) -> dict:
    requests.post(url + "/_sandbox/reset", json={"keep_directory": True}, timeout=5)
    started = time.perf_counter()
    response = client.post("/purchase-orders/send/", {"ids": ids})
    returned = time.perf_counter() - started
    assert response.status_code in (200, 302), response.status_code

    reserved = Reservation.objects.filter(status=ReservationStatus.RESERVED)
    while reserved.count() < len(ids):
        failed = Reservation.objects.filter(status=ReservationStatus.FAILED).count()
        if failed:
            raise SystemExit(f"{failed} reservations failed")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started

    latencies = sorted(
        (r.reserved_at - r.purchase_order.sent_at).total_seconds()
        for r in Reservation.objects.select_related("purchase_order")
    )
    counters = requests.get(url + "/_sandbox/counters", timeout=5).json()
    return {
        "rate": len(ids) / elapsed,
        "elapsed": elapsed,
        "returned": returned,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "sign_ins": counters["sign_ins"],
        "connections": counters["connections"],
    }


def measure_plain_loop(ids: list[int], url: str) -> dict:
    """The same payloads, posted one after another over one keep-alive session."""
    orders = PurchaseOrder.objects.filter(pk__in=ids).select_related(
        "vendor", "company"
    )
    payloads = [
        reservation_body(po, vendor_code=po.vendor.cargo_master_code)
        | {"importer_code": DEMO_IMPORTER_CODE, "reference": f"plain-{po.number}"}
        for po in orders
    ]
    session = requests.Session()
    token = session.post(
        url + "/v1/auth/token",
        json={
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
            "importer_code": DEMO_IMPORTER_CODE,
        },
        timeout=10,
    ).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    for payload in payloads:
        reply = session.post(
            url + "/v1/reservations",
            json=payload,
            headers={"Idempotency-Key": str(uuid.uuid4())},
            timeout=10,
        )
        reply.raise_for_status()
    elapsed = time.perf_counter() - started
    return {"rate": len(payloads) / elapsed, "elapsed": elapsed}


def report(latency_ms: int, pos: int, pipeline: dict, plain: dict) -> None:
    print(f"== sandbox latency {latency_ms} ms, {pos} POs")
    print(
        f"  pipeline    {pipeline['rate']:8.1f} reservations/s "
        f"({pipeline['elapsed']:.2f} s until all reserved)"
    )
    print(
        f"  plain loop  {plain['rate']:8.1f} reservations/s ({plain['elapsed']:.2f} s)"
    )
    print(f"  ratio       {pipeline['rate'] / plain['rate']:8.2f} x the plain loop")
    print(f"  send→reserved p50 {pipeline['p50']:.2f} s, p99 {pipeline['p99']:.2f} s")
    print(f"  bulk action returned in {pipeline['returned'] * 1000:.0f} ms")
    print(
        f"  sign-ins {pipeline['sign_ins']}, "
        f"TCP connections {pipeline['connections']}\n"
    )


def start(name: str, command: list[str], env: dict | None = None):
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if name == "sandbox" else None,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str) -> None:
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


if __name__ == "__main__":
    main()
