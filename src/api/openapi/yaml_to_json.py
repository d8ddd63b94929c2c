#!/usr/bin/python3
"""Converts openapi.yaml to the JSON the server embeds: yaml_to_json.py IN.yaml OUT.json

Refuses any value JSON cannot carry as written (a date, a float key...): YAML reads an unquoted
2026-11-29 as a date, and a document that silently changed type would mislead clients.
"""

import json
import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


# Keep timestamps as the strings that were written; YAML 1.1 would make them datetime objects.
Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in Loader.yaml_implicit_resolvers.items()
}


def check(node, where="$"):
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: key {key!r} is not a string; quote it")
            check(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            check(value, f"{where}[{i}]")
    elif not (node is None or isinstance(node, (str, int, float, bool))):
        raise ValueError(f"{where}: {type(node).__name__} value; quote it")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        document = yaml.load(f, Loader=Loader)
    try:
        check(document)
    except ValueError as e:
        print(f"{argv[1]}: {e}", file=sys.stderr)
        return 1
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    try:
        with open(argv[2], encoding="utf-8") as f:
            if f.read() == text:
                return 0  # unchanged: keep the timestamp so nothing recompiles
    except FileNotFoundError:
        pass
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
