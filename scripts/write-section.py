"""Replaces one marked section of a Markdown file with the text on stdin.

    python3 scripts/write-section.py FILE NAME < section.md

The section is what lies between `<!-- NAME: begin -->` and `<!-- NAME: end -->` (the
markers included, and written back); the rest of the file is kept. Without those
markers, the section is appended; with nothing on stdin, nothing is written (exit 1).
The file is replaced atomically (temp file, rename).
Used by scripts/load.sh and scripts/bench-multiprocess.sh; scripts/bench.sh keeps such
sections when it rewrites BENCHMARKS.md.
"""
import os
import sys

path, name = sys.argv[1], sys.argv[2]
begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
body = sys.stdin.read().strip()
if not body:
    # What produced the section failed: keep the one there.
    sys.exit(f"write-section.py: nothing to write into the {name} section of {path}")
section = f"{begin}\n{body}\n{end}\n"
old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
if begin in old and end in old:
    head, rest = old.split(begin, 1)
    tail = rest.split(end, 1)[1].lstrip("\n")
    new = head + section + ("\n" + tail if tail else "")
else:
    new = old + ("\n" if old and not old.endswith("\n\n") else "") + section
tmp = f"{path}.{name}.tmp"
with open(tmp, "w", encoding="utf-8") as f:
    f.write(new)
os.replace(tmp, path)
