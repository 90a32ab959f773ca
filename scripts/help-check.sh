#!/usr/bin/env bash
# Runs `--help` of every latent command, found by walking the SUBCOMMANDS sections of the
# help texts themselves (`latent --help`, then `latent data --help`, …), so a new command is
# covered without being listed here. Also checks `latent --version`.
#
#   scripts/help-check.sh PATH/TO/latent
#
# Meant for a debug build (`make test-cli-debug`): only there does the argument parser check
# each command's definition (two options with one name, a bad default, …) when the command is
# parsed; a release build skips those checks and hides such a mistake. A shell script rather
# than the LatentCLITests target against the debug binary, because the script needs only the
# debug `latent` product: building the whole test target a second time in debug costs minutes
# on a 2-core machine. The test target runs the same walk against the release build.
#
# Prints one line per command and, at the end, every command that failed with its exit status
# and the first lines of its output. Exits 1 if any failed.
set -uo pipefail

latent=${1:?usage: scripts/help-check.sh PATH/TO/latent}
[ -x "$latent" ] || { echo "help-check: $latent is not an executable" >&2; exit 2; }
export COLUMNS=200   # one help line per subcommand, whatever the terminal

# The subcommand names under SUBCOMMANDS: in a help text ("  name   abstract"; wrapped abstracts
# are indented deeper; the section ends at a blank line), without `help`.
subcommands() {
    awk '/^SUBCOMMANDS:/ { inside = 1; next }
         inside && /^[[:space:]]*$/ { exit }
         inside && /^  [^ ]/ { print $1 }' | grep -vx help || true
}

failures=()
checked=0
queue=("")
while [ ${#queue[@]} -gt 0 ]; do
    path=${queue[0]}
    queue=("${queue[@]:1}")
    # shellcheck disable=SC2086   # $path is a list of words: the subcommand path
    output=$("$latent" $path --help 2>&1)
    status=$?
    checked=$((checked + 1))
    command="latent${path:+ $path}"
    if [ $status -ne 0 ] || ! grep -q "^USAGE: $command" <<<"$output"; then
        if [ $status -gt 128 ]; then why="crashed (signal $((status - 128)))"; else why="exit $status"; fi
        [ $status -eq 0 ] && why="no 'USAGE: $command' line"
        echo "FAIL  $command --help: $why"
        failures+=("$command --help: $why"$'\n'"$(grep -v '^[[:space:]]*$' <<<"$output" | head -n 12 | sed 's/^/      | /')")
        continue
    fi
    echo "ok    $command --help"
    while read -r name; do
        [ -n "$name" ] && queue+=("${path:+$path }$name")
    done < <(subcommands <<<"$output")
done

version=$("$latent" --version 2>&1)
status=$?
checked=$((checked + 1))
if [ $status -ne 0 ] || ! grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+' <<<"$version"; then
    echo "FAIL  latent --version: exit $status"
    failures+=("latent --version: exit $status, printed '$(head -n 3 <<<"$version")'")
else
    echo "ok    latent --version: $version"
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo
    echo "help-check: ${#failures[@]} of $checked commands failed with $latent:"
    for f in "${failures[@]}"; do echo "  $f"; done
    exit 1
fi
echo "help-check: all $checked commands answered --help with $latent"
