"""The file broker `make run` uses, made safe for several writing processes.

kombu's filesystem transport creates a message file and then writes it, so a worker
listing the folder in between reads an empty file and stops with a JSON error. Here a
message is written under a staging folder and renamed into place, which is atomic on
one filesystem: a reader sees a whole message or none.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

STAGING = ".staging"  # not a "*.<queue>.msg" name, so readers pass it by


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        staging = os.path.join(self.data_folder_out, STAGING)
        try:
            os.makedirs(staging, exist_ok=True)
            with open(os.path.join(staging, name), "wb") as message:
                message.write(str_to_bytes(dumps(payload)))
            os.replace(
                os.path.join(staging, name), os.path.join(self.data_folder_out, name)
            )
        except OSError as error:
            raise ChannelError(f"Cannot add message {name!r} to the broker") from error


class Transport(filesystem.Transport):
    Channel = Channel
