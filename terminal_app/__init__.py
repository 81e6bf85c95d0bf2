"""ib-terminal core: all that is not a widget (session, models, orders, simulator, config)."""

__version__ = "0.1.0"
APP_NAME = "ib-terminal"
