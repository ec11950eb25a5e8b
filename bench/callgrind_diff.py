#!/usr/bin/env python3
"""bench/callgrind_diff.py SHORT.out LONG.out CALLS [TOP]: per-call self cost by function.

Runs callgrind_annotate (exclusive costs, every function) on a short and a long callgrind run
of the same work and prints, per function, (Ir(long) - Ir(short)) / CALLS: what one more call
costs, start-up and session set-up cancelled out. Used by bench/profile.sh.
"""
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$")


def costs(path):
    out = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", path],
                         capture_output=True, text=True).stdout
    table = {}
    seen_header = False
    for line in out.splitlines():
        if "file:function" in line:
            seen_header = True
            continue
        if not seen_header:
            continue
        m = LINE.match(line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        name = m.group(2).strip()
        # Shorten: drop the source path, keep function and object.
        name = re.sub(r"^\S*?:(?=[^/])", "", name, count=1) if ":" in name else name
        table[name] = table.get(name, 0) + int(m.group(1).replace(",", ""))
    return table


def main():
    short, long_, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    a, b = costs(short), costs(long_)
    diff = {k: (b.get(k, 0) - a.get(k, 0)) / calls for k in set(a) | set(b)}
    total = sum(diff.values())
    print(f"instructions per call: {total:,.0f}")
    print(f"{'per call':>12}  {'share':>6}  function (self cost)")
    for k, v in sorted(diff.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{v:>12,.0f}  {100 * v / total:5.1f}%  {k[:170]}")


if __name__ == "__main__":
    main()
