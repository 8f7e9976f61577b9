"""Two people sending the same POs at the same moment."""

import threading

import pytest
from django.core import mail
from django.db import connection

from purchase_orders.models import Status
from purchase_orders.services import purchase_orders_send
from tests.fixtures.personas import make_purchase_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_sends_each_report_only_the_pos_they_sent(
    acme, vendor, celery_eager
):
    orders = [make_purchase_order(acme, vendor=vendor) for _ in range(10)]
    ids = [po.pk for po in orders]
    results, errors, start = [], [], threading.Barrier(4)

    def send():
        try:
            start.wait()
            results.append(purchase_orders_send(company=acme, ids=ids))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    senders = [threading.Thread(target=send) for _ in range(4)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()

    assert errors == []
    sent = [po.pk for result in results for po in result.sent]
    assert sorted(sent) == sorted(ids)
    for result in results:
        assert {po.pk for po in result.left} == set(ids) - {po.pk for po in result.sent}
    assert all(po.status == Status.SENT for r in results for po in r.sent)
    assert len(mail.outbox) == 10
