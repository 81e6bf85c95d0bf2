"""`ib-terminal`'s entry point: read the command line, start the embedded gateway's process, then
load and run the app (`ui.app`).

The gateway's process is started before Qt, ib_async and the UI are imported, so its boot
(Python, numpy, its market) runs beside the terminal's own on another core instead of after the
window is built; the session adopts it when it connects (`terminal_app.session.sim_launch`).
"""

import os
import sys
from collections.abc import Sequence

from terminal_app.cli import parse_args, profile_from_options
from terminal_app.session.sim_launch import discard_early, start_early


def main(argv: Sequence[str] | None = None) -> int:
    # numpy's BLAS starts a pool thread per core that spins while its process imports: on two
    # cores the terminal's and the gateway's (it inherits this) took each other's core at start.
    # Neither does linear algebra worth a pool.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    opts = parse_args(argv)
    try:
        profile = profile_from_options(opts)
    except ValueError as exc:
        print(f"ib-terminal: {exc}", file=sys.stderr)
        return 2
    if profile.is_simulated:
        start_early(profile.port)
    try:
        from ui.app import run  # the heavy part: Qt, ib_async, every panel

        return run(opts)
    finally:
        discard_early()  # not taken (the window closed before connecting): it stops


if __name__ == "__main__":
    sys.exit(main())
