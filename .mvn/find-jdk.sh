# Sourced by ./mvnw and ./usher: makes JAVA_HOME point at a JDK 25 or newer.
# The machine's default `java` may be older (17 on Debian 12), so we look in the usual
# install locations before giving up with one line that says what to install.
usher_java_major() {
  # Reads the JDK's `release` file instead of starting a JVM: instant, and works for any vendor.
  _rel="$1/release"
  if [ -f "$_rel" ]; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$_rel" | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

usher_find_jdk() {
  _need=25
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    _v=$(usher_java_major "$JAVA_HOME"); [ "${_v:-0}" -ge "$_need" ] && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    _home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    _v=$(usher_java_major "$_home")
    if [ "${_v:-0}" -ge "$_need" ]; then JAVA_HOME="$_home"; export JAVA_HOME; return 0; fi
  fi
  _best=""; _bestv=0
  case "$-" in *f*) _noglob=1; set +f ;; *) _noglob=0 ;; esac  # mvnw runs with `set -f`
  # USHER_JDK_DIRS (space-separated globs) replaces the usual places, e.g. for a JDK in an odd spot.
  for _d in ${USHER_JDK_DIRS:-/usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*}; do
    [ -x "$_d/bin/javac" ] || continue
    _v=$(usher_java_major "$_d")
    if [ "${_v:-0}" -ge "$_need" ] && [ "${_v:-0}" -gt "$_bestv" ]; then _best="$_d"; _bestv="$_v"; fi
  done
  [ "$_noglob" = 1 ] && set -f
  if [ -n "$_best" ]; then JAVA_HOME="$_best"; export JAVA_HOME; return 0; fi
  echo "usher: needs a JDK 25 or newer, none found (looked at JAVA_HOME, PATH and ${USHER_JDK_DIRS:-/usr/lib/jvm}): install one, e.g. 'apt-get install temurin-25-jdk' or 'openjdk-25-jdk', or set JAVA_HOME" >&2
  return 1
}

usher_find_jdk || exit 1
