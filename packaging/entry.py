"""Frozen-build entry point: PyInstaller needs a script, the app's entry is `ui.main:main`.

A one-file build has no `ib-terminal-sim` beside it: started with `--simulated-gateway` first (the
embedded profile does that, see terminal_app/session/sim_launch.py), the terminal's executable
runs the simulated gateway instead, without loading Qt.
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--simulated-gateway"]:
        from terminal_app.simulator.cli import main as simulator_main

        sys.exit(simulator_main(sys.argv[2:]))
    from ui.main import main

    sys.exit(main())
