"""The terminal's workspace, Qt-widget free: named layouts, link groups and UI settings.

- `files`: atomic JSON writes, and reads that keep a corrupt file as `<file>.bak`.
- `layout`: `Workspace` / `PanelEntry`, the saved shape of a window (dock geometry plus each
  panel's own state), and `LayoutStore`, the named workspaces on disk plus the bundled default.
- `link_groups`: `LinkGroups`, TWS-style colour linking of symbol-bearing panels (QtCore only).
- `settings`: `UiSettings` (theme, last workspace), persisted like a layout.
"""
