#!/usr/bin/python3
"""Formats the product's hand-edited language data (lang/concepts.json)
the way they are committed: objects two spaces deep, lists of plain values
on one line when they fit in 100 columns, else wrapped at 100 columns.

    tool/format-json.py FILE...          rewrite in place
    tool/format-json.py --check FILE...  exit 1 if a file is not formatted
"""
import json
import sys

WIDTH = 100


def scalar(v):
    return json.dumps(v, ensure_ascii=False)


def fmt(v, indent, lead):
    """`v` formatted, its first line already `lead` columns in."""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f'{pad}  {scalar(k)}: {fmt(x, indent + 2, indent + 4 + len(scalar(k)))}'
                 for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if all(not isinstance(x, (dict, list)) for x in v):
            one = "[" + ", ".join(scalar(x) for x in v) + "]"
            if lead + len(one) + 1 <= WIDTH:
                return one
            lines, line = [], ""
            inner = " " * (indent + 4)
            for x in v:
                piece = scalar(x) + ","
                if line and len(inner) + len(line) + 1 + len(piece) >= WIDTH:
                    lines.append(inner + line)
                    line = piece
                else:
                    line = piece if not line else line + " " + piece
            lines.append(inner + line[:-1])
            return "[\n" + "\n".join(lines) + "\n" + " " * (indent + 2) + "]"
        items = [pad + "  " + fmt(x, indent + 2, indent + 2) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return scalar(v)


def main():
    args = sys.argv[1:]
    check = bool(args) and args[0] == "--check"
    files = args[1:] if check else args
    if not files:
        sys.exit(__doc__)
    bad = 0
    for f in files:
        text = open(f, encoding="utf-8").read()
        out = fmt(json.loads(text), 0, 0) + "\n"
        if out == text:
            continue
        if check:
            print(f"{f}: not formatted (tool/format-json.py {f})")
            bad = 1
        else:
            open(f, "w", encoding="utf-8").write(out)
    sys.exit(bad)


if __name__ == "__main__":
    main()
