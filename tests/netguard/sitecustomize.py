"""Loaded into a child Python by test_offline.py: records, and refuses, every non-loopback network attempt.

Nothing is sent: the patched calls raise before reaching the real socket. At exit the child also writes the
offline switches it ended with, so the test can check pyannote telemetry was off.
"""

import atexit
import ipaddress
import json
import os
import socket

_LOG = os.environ["NETGUARD_LOG"]
_attempts = []


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already be a network request


def _guard(kind, address):
    if not _is_local(address):
        _attempts.append({"call": kind, "address": repr(address)})
        raise OSError(f"netguard: blocked non-loopback {kind} to {address!r}")


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    _guard("connect", address)
    return _connect(self, address)


def connect_ex(self, address):
    _guard("connect_ex", address)
    return _connect_ex(self, address)


def sendto(self, data, *args):
    _guard("sendto", args[-1])
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    _guard("getaddrinfo", (host, 0))
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
socket.getaddrinfo = getaddrinfo


@atexit.register
def _dump():
    switches = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "PYANNOTE_METRICS_ENABLED")}
    with open(_LOG, "w") as f:
        json.dump({"attempts": _attempts, "environment": switches}, f)
