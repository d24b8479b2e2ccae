"""``python -m akid <command>``: one module per command under ``akid.commands``.

Each command module exposes ``add_parser(subparsers)`` and ``run(args) -> int``;
commands import TensorFlow only when they need it, so ``validate`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("validate", "export", "parse", "import-keras", "predict", "train", "serve", "sweep")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akid", description="akid: design, train and watch neural networks.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"akid.commands.{name.replace('-', '_')}")
        except ModuleNotFoundError as exc:
            if exc.name != f"akid.commands.{name.replace('-', '_')}":
                raise
            continue
        mod.add_parser(sub)
        modules[name] = mod
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    return int(modules[args.command].run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
