"""The `pressroom` command: every Django management command, plus `bench` from a checkout."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressroom.settings")
    arguments = sys.argv[1:]
    if arguments[:1] == ["bench"]:
        try:
            from pressroom.bench.command import main as bench
        except ImportError:
            sys.exit("The benchmarks come with a source checkout of Pressroom, not the package.")
        sys.exit(bench(arguments[1:]))
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *arguments])


if __name__ == "__main__":
    main()
