#!/bin/sh
# Add ib-terminal to the desktop's application menu (current user only; no root needed).
# Run it from the unpacked bundle: ./install-desktop-entry.sh   (--uninstall removes the entry)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
res="$here/_internal/resources"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/ib-terminal.desktop" "$icons/256x256/apps/ib-terminal.png" \
        "$icons/scalable/apps/ib-terminal.svg"
    echo "ib-terminal desktop entry removed"
    exit 0
fi
[ -x "$here/ib-terminal" ] || { echo "run this script from the ib-terminal folder" >&2; exit 1; }

mkdir -p "$apps" "$icons/256x256/apps" "$icons/scalable/apps"
cp "$res/icons/ib-terminal.png" "$icons/256x256/apps/ib-terminal.png"
cp "$res/icons/ib-terminal.svg" "$icons/scalable/apps/ib-terminal.svg"
# Point Exec/TryExec at this bundle (quoted: the folder may contain spaces).
sed -e "s|^Exec=ib-terminal|Exec=\"$here/ib-terminal\"|" \
    -e "s|^TryExec=ib-terminal|TryExec=$here/ib-terminal|" \
    "$res/ib-terminal.desktop" > "$apps/ib-terminal.desktop"
chmod 644 "$apps/ib-terminal.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$icons" || true
echo "ib-terminal added to the application menu ($apps/ib-terminal.desktop)"
if ! ldconfig -p 2>/dev/null | grep -q libxcb-cursor.so.0 && [ ! -e "$here/_internal/libxcb-cursor.so.0" ]; then
    echo "note: install libxcb-cursor0 (Debian/Ubuntu) or xcb-util-cursor (Fedora/Arch) for X11 sessions"
fi
