"""The file broker of `make run` under several writing processes at once."""

import multiprocessing

from kombu import Connection

PRODUCERS, MESSAGES = 4, 300


def connection(folder: str) -> Connection:
    return Connection(
        "filesystem://",
        transport="komet.broker:Transport",
        transport_options={"data_folder_in": folder, "data_folder_out": folder},
    )


def produce(folder: str, producer: int) -> None:
    with connection(folder) as conn:
        queue = conn.SimpleQueue("busy")
        for number in range(MESSAGES):
            queue.put({"producer": producer, "number": number, "pad": "x" * 2000})


def test_messages_written_by_several_processes_are_always_read_whole(tmp_path):
    folder = str(tmp_path)
    context = multiprocessing.get_context("spawn")
    producers = [
        context.Process(target=produce, args=(folder, n)) for n in range(PRODUCERS)
    ]
    for process in producers:
        process.start()

    received = set()
    with connection(folder) as conn:
        queue = conn.SimpleQueue("busy")
        while len(received) < PRODUCERS * MESSAGES:
            message = queue.get(timeout=30)
            received.add((message.payload["producer"], message.payload["number"]))
            message.ack()
    for process in producers:
        process.join()

    assert len(received) == PRODUCERS * MESSAGES


def test_a_message_appears_in_the_queue_folder_only_once_it_is_complete(
    tmp_path, monkeypatch
):
    import os

    from komet import broker

    seen_before_rename = []
    replace = os.replace

    def rename_into_place(source, destination):
        seen_before_rename.append(
            [name for name in os.listdir(tmp_path) if name.endswith(".msg")]
        )
        with open(source, "rb") as staged:
            assert staged.read().endswith(b"}")  # the whole message is written
        replace(source, destination)

    monkeypatch.setattr(broker.os, "replace", rename_into_place)
    with connection(str(tmp_path)) as conn:
        conn.SimpleQueue("busy").put({"number": 1})

    assert seen_before_rename == [[]]
    assert [name for name in os.listdir(tmp_path) if name.endswith(".msg")]
