"""The DOM depth ladder panel (issue 17): `DomPanel` over `terminal_app.dom`'s model."""
