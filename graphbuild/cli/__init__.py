"""The ``graphbuild`` command: a thin shell over the library.

Each subcommand lives in its own module of this package with ``register(subparsers)``, which adds
its parser and sets ``func(args) -> int``. The library logs and never prints; this shell prints.
Exit status: 0 all inputs fine, 1 some input or step failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from graphbuild.errors import GraphbuildError

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS = ("segment", "extract", "build", "export", "ingest", "remove", "serve", "query", "contradictions",
            "sources", "timeline", "html")


class _OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage().replace("\n", " ")
        return f"graphbuild: {record.levelname.lower()}: {msg}"


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphbuild", description="Turn intelligence reporting into a who-said-what knowledge graph."
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, only errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"graphbuild.cli.{name}").register(sub)
    # -q/-v work after the subcommand too; SUPPRESS keeps a top-level flag from being reset.
    for command in sub.choices.values():
        if "--quiet" not in command._option_string_actions:
            command.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                                 help="no progress bar, only errors")
        if "--verbose" not in command._option_string_actions:
            command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                                 help="log more detail")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    logger = logging.getLogger("graphbuild")
    # main() is also called in-process (tests, notebooks): put the logger back as it was afterwards.
    saved = (logger.handlers[:], logger.level, logger.propagate)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    logger.handlers[:] = [handler]
    logger.setLevel(logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.WARNING)
    logger.propagate = False
    try:
        return int(args.func(args) or 0)
    except GraphbuildError as exc:
        print(f"graphbuild: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("graphbuild: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`graphbuild ... | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    finally:
        logger.handlers[:], level, logger.propagate = saved
        logger.setLevel(level)

if __name__ == "__main__":
    sys.exit(main())
