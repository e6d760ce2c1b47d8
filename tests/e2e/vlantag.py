# SPDX-License-Identifier: GPL-2.0-only
"""Make a veth carry 802.1Q-tagged frames without the 8021q module.

Some kernels (like the CI VM's) are built without CONFIG_VLAN_8021Q, so
`ip link add ... type vlan` fails.  Instead we attach two tiny tcx BPF
programs to the device: egress pushes a VLAN tag, ingress pops it.  The
packet taps (tcpdump) sit after tc egress and before tc ingress, so a
capture on the device sees every frame tagged, exactly as on a VLAN trunk,
while the IP stack on both ends works untagged.

The programs are hand-assembled and loaded with the bpf(2) syscall via
ctypes, so neither clang nor bpffs nor tc is needed.  Attachment is done
with BPF_PROG_ATTACH (not a link), so it outlives this process and goes
away with the device.

usage: vlantag.py DEV VID [OUTER_VID]     (run inside the device's netns)

With OUTER_VID, frames are double tagged (QinQ): an 802.1ad (0x88a8) tag
OUTER_VID outside the 802.1Q tag VID.
"""
import ctypes
import os
import socket
import struct
import sys

SYS_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
BPF_PROG_LOAD, BPF_PROG_ATTACH = 5, 8
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX_INGRESS, BPF_TCX_EGRESS = 46, 47
FN_SKB_VLAN_PUSH, FN_SKB_VLAN_POP = 18, 19
TC_ACT_OK = 0


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def mov64_imm(reg, imm):
    return insn(0xB7, dst=reg, imm=imm)          # BPF_ALU64|BPF_MOV|BPF_K


def call(fn):
    return insn(0x85, imm=fn)                    # BPF_JMP|BPF_CALL


EXIT = insn(0x95)                                # BPF_JMP|BPF_EXIT

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    ret = libc.syscall(SYS_BPF, cmd, buf, 128)
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, "bpf(cmd=%d): %s" % (cmd, os.strerror(err)))
    return ret


def load(prog, name):
    insns = ctypes.create_string_buffer(prog, len(prog))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(65536)
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, len(prog) // 8,
                       ctypes.addressof(insns), ctypes.addressof(lic),
                       1, len(log), ctypes.addressof(log), 0, 0, name)
    try:
        return bpf(BPF_PROG_LOAD, attr)
    except OSError as e:
        raise OSError(e.errno, "%s\nverifier log:\n%s" % (e, log.value.decode(errors="replace")))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    dev, vid = sys.argv[1], int(sys.argv[2])
    outer = int(sys.argv[3]) if len(sys.argv) == 4 else None
    if SYS_BPF is None:
        sys.exit("vlantag: unsupported architecture %s" % os.uname().machine)
    ifindex = socket.if_nametoindex(dev)
    # bpf_skb_vlan_push(skb, htons(ETH_P_8021Q), vid). r1 = skb on entry,
    # but calls clobber r1-r5, so keep skb in r6 for a second push or pop.
    push = (insn(0xBF, dst=6, src=1) +           # r6 = r1 (BPF_ALU64|BPF_MOV|BPF_X)
            mov64_imm(2, socket.htons(0x8100)) + mov64_imm(3, vid) +
            call(FN_SKB_VLAN_PUSH))
    pop = insn(0xBF, dst=6, src=1) + call(FN_SKB_VLAN_POP)
    if outer is not None:
        # A second push moves the first tag into the packet and becomes
        # the outer one.
        push += (insn(0xBF, dst=1, src=6) + mov64_imm(2, socket.htons(0x88A8)) +
                 mov64_imm(3, outer) + call(FN_SKB_VLAN_PUSH))
        pop += insn(0xBF, dst=1, src=6) + call(FN_SKB_VLAN_POP)
    push += mov64_imm(0, TC_ACT_OK) + EXIT
    pop += mov64_imm(0, TC_ACT_OK) + EXIT
    for prog, name, where in ((push, b"xdt_vlan_push", BPF_TCX_EGRESS),
                              (pop, b"xdt_vlan_pop", BPF_TCX_INGRESS)):
        fd = load(prog, name)
        bpf(BPF_PROG_ATTACH, struct.pack("<IIII", ifindex, fd, where, 0))
        os.close(fd)


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        sys.exit("vlantag: %s" % e)
