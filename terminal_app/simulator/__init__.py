"""The simulated gateway: an offline TWS that speaks the TWS API socket protocol."""
