#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The most packets in any window of 1 second, from a list of timestamps (one
per line, seconds as decimals) on stdin; prints "MAX TOTAL"."""
import sys

t = sorted(float(x) for x in sys.stdin.read().split())
best, j = 0, 0
for i in range(len(t)):
    while t[i] - t[j] >= 1.0:
        j += 1
    best = max(best, i - j + 1)
print(best, len(t))
