"""Qt widgets and Qt item models. Binds to `terminal_app` through signals and models only."""
