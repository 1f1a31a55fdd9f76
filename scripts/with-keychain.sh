#!/usr/bin/env bash
# Runs a command with a fresh, unlocked GNOME keyring (the Secret Service keytar talks to) on a
# private D-Bus session, with a throwaway HOME so the keyring starts empty.
set -euo pipefail
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME="$home" dbus-run-session -- bash -c '
  echo -n test-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' bash "$@"
