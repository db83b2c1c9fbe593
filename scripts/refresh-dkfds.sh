#!/usr/bin/env bash
# Refresh the vendored copy of Det Fælles Designsystem (npm package "dkfds") in static/dkfds/.
#
# Copies only what a page needs at run time, keeping the package's dist/ layout so the
# stylesheet's relative url(...) paths resolve:
#   css/dkfds.min.css            the built, minified stylesheet (default theme)
#   js/dkfds.min.js              the built, minified script (exposes window.DKFDS, see static/app.js)
#   fonts/..., img/...           exactly the files the stylesheet references with url(...),
#                                plus the fonts' licence files (SIL OFL 1.1)
#   img/all-svg-icons.svg        the icon sprite, for <svg><use href=".../all-svg-icons.svg#name">
#   LICENSE                      the package's licence (MIT, OFL-1.1 for the fonts, Apache-2.0 for icons)
#   VERSION                      version and registry integrity of the package copied
# Source maps are copied only when small (see MAX_MAP_BYTES); unreferenced files (split fonts,
# otf, theme variants, scss) are left out.
#
# Usage: scripts/refresh-dkfds.sh            (DKFDS_VERSION=11.2.0 by default)
#        DKFDS_VERSION=11.3.0 scripts/refresh-dkfds.sh
set -euo pipefail

DKFDS_VERSION="${DKFDS_VERSION:-11.2.0}"
MAX_MAP_BYTES="${MAX_MAP_BYTES:-102400}"
CSS_NAME="dkfds.min.css"
JS_NAME="dkfds.min.js"
SPRITE="img/all-svg-icons.svg"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/static/dkfds"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetching dkfds@$DKFDS_VERSION"
(cd "$work" && npm pack --silent --json "dkfds@$DKFDS_VERSION" >pack.json)
tarball="$(cd "$work" && ls dkfds-*.tgz)"
integrity="$(sed -n 's/.*"integrity": *"\([^"]*\)".*/\1/p' "$work/pack.json" | head -n 1)"
tar -xzf "$work/$tarball" -C "$work"
pkg="$work/package"
dist="$pkg/dist"

actual_version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pkg/package.json" | head -n 1)"
if [ "$actual_version" != "$DKFDS_VERSION" ]; then
    echo "error: asked for dkfds $DKFDS_VERSION, got $actual_version" >&2
    exit 1
fi

for f in "css/$CSS_NAME" "js/$JS_NAME" "$SPRITE"; do
    [ -f "$dist/$f" ] || { echo "error: dist/$f missing from dkfds $DKFDS_VERSION" >&2; exit 1; }
done
license_src=""
for f in LICENSE.md LICENSE LICENSE.txt dist/LICENSE.md; do
    if [ -f "$pkg/$f" ]; then license_src="$pkg/$f"; break; fi
done
[ -n "$license_src" ] || { echo "error: no LICENSE in dkfds $DKFDS_VERSION" >&2; exit 1; }

stage="$work/stage"
mkdir -p "$stage"

# copy FILE (relative to dist/) into the stage, keeping its path
copy() {
    mkdir -p "$stage/$(dirname "$1")"
    cp "$dist/$1" "$stage/$1"
}

copy "css/$CSS_NAME"
copy "js/$JS_NAME"
copy "$SPRITE"

for map in "css/$CSS_NAME.map" "js/$JS_NAME.map"; do
    if [ -f "$dist/$map" ] && [ "$(stat -c %s "$dist/$map")" -le "$MAX_MAP_BYTES" ]; then
        copy "$map"
    fi
done

# Every url(...) in the stylesheet, relative to css/, without quotes, query or fragment.
# data: URIs and absolute URLs need no file.
missing=0
while IFS= read -r ref; do
    case "$ref" in
        ""|data:*|http:*|https:*|//*|/*|\#*) continue ;;
    esac
    rel="$(cd "$dist/css" && realpath -m --relative-to="$dist" "$ref")"
    case "$rel" in
        ../*) echo "error: $ref points outside dist/" >&2; missing=1; continue ;;
    esac
    if [ -f "$dist/$rel" ]; then
        copy "$rel"
    else
        echo "error: $CSS_NAME references $ref, not in the package" >&2
        missing=1
    fi
done < <(grep -o 'url([^)]*)' "$dist/css/$CSS_NAME" \
            | sed -E "s/^url\\([[:space:]]*[\"']?//; s/[\"']?[[:space:]]*\\)\$//; s/[?#].*\$//" \
            | sort -u)
[ "$missing" -eq 0 ] || exit 1

# The fonts' licence travels with every font folder we copied.
if [ -d "$stage/fonts" ]; then
    while IFS= read -r dir; do
        rel="${dir#"$stage"/}"
        for lic in "$dist/$rel"/license.txt "$dist/$rel"/LICENSE*; do
            [ -f "$lic" ] && cp "$lic" "$dir/"
        done
    done < <(find "$stage/fonts" -type d)
fi

cp "$license_src" "$stage/LICENSE"
{
    echo "dkfds $DKFDS_VERSION"
    [ -n "$integrity" ] && echo "integrity $integrity"
    echo "css /static/dkfds/css/$CSS_NAME"
    echo "js /static/dkfds/js/$JS_NAME"
    echo "refreshed by scripts/refresh-dkfds.sh"
} >"$stage/VERSION"

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$stage" "$dest"

echo "static/dkfds: dkfds $DKFDS_VERSION, $(find "$dest" -type f | wc -l) files, $(du -sh --apparent-size "$dest" | cut -f1)"
