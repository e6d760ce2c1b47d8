# SPDX-License-Identifier: GPL-2.0-only
"""Point-to-point raw-IP link between two netns built from two tun devices.

The CI kernel has no ipip/gre/sit modules, so this stands in for an ipip
tunnel: tcpdump on a tun device also yields LINKTYPE_RAW captures.  The
process creates DEV_A in its own netns (start it with `ip netns exec`),
then switches to NETNS_B and creates DEV_B there, and copies packets
between the two until killed.  The devices are not persistent: they vanish
when this process exits, so cleanup is just killing it.

usage: tunrelay.py DEV_A NETNS_B DEV_B
Prints "ready" on stdout once both devices exist.
"""
import ctypes
import fcntl
import os
import select
import signal
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
CLONE_NEWNET = 0x40000000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    dev_a, ns_b, dev_b = sys.argv[1:]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    fd_a = open_tun(dev_a)
    libc = ctypes.CDLL(None, use_errno=True)
    nsfd = os.open("/run/netns/" + ns_b, os.O_RDONLY)
    if libc.setns(nsfd, CLONE_NEWNET) != 0:
        sys.exit("tunrelay: setns(%s): %s" % (ns_b, os.strerror(ctypes.get_errno())))
    os.close(nsfd)
    fd_b = open_tun(dev_b)
    print("ready", flush=True)
    peer = {fd_a: fd_b, fd_b: fd_a}
    while True:
        for fd in select.select([fd_a, fd_b], [], [])[0]:
            os.write(peer[fd], os.read(fd, 65536))


if __name__ == "__main__":
    main()
