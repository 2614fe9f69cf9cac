#!/bin/sh
# A script with a shebang, run by the setup program.
echo "hello from $(basename "$0") as uid $(id -u), GREETING=$GREETING"
printf '%s\n' "$GREETING" >/greeting
