"""The TWS API socket protocol: framing and handshake (`framing`), message layouts (`codec`)."""
