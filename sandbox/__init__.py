"""A stand-in Cargo Master server that implements our contract, for tests and demos.

It is a separate process (``python -m sandbox``), served by gunicorn with one worker
process and many threads, so its in-memory store guarded by locks is the whole truth.
Nothing here is imported by the Django app; only ``sandbox.seed`` constants are meant
to be shared with tests.
"""
