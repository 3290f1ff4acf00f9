#!/usr/bin/env bash
# Vendor the precompiled GOV.UK Frontend files into static/govuk/.
#
# Usage:  scripts/refresh_govuk_frontend.sh            # default version
#         VERSION=6.7.0 scripts/refresh_govuk_frontend.sh
#
# What it does:
#   * `npm pack govuk-frontend@$VERSION` into a temporary directory and unpack it
#   * copy dist/govuk/govuk-frontend.min.css and govuk-frontend.min.js (ES module)
#   * post-process the CSS:
#       - drop the GDS Transport @font-face rules (and the font's copyright
#         banner): this portal is not on GOV.UK, must not use GDS Transport and
#         overrides font-family in static/css/portal.css, so fonts/ is not vendored
#       - rewrite url(/assets/...) to url(assets/...) so references resolve
#         relative to /static/govuk/ (and for ManifestStaticFilesStorage)
#       - drop the sourceMappingURL comments (the .map files are not vendored;
#         ManifestStaticFilesStorage would otherwise fail on the missing .map)
#   * copy only the assets the CSS still references (currently
#     assets/images/govuk-crest.svg, used by .govuk-footer__copyright-logo which
#     the portal does not use; it is kept so every url() resolves)
#   * write static/govuk/VERSION and static/govuk/LICENSE.txt
#
# Deliberately NOT vendored: fonts (GDS Transport is for GOV.UK only), the
# crown favicons / app icons / manifest.json / Open Graph image (the portal is
# not on GOV.UK and must not use the crown), source maps, Sass and Nunjucks.
set -euo pipefail

VERSION="${VERSION:-6.6.0}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$REPO_ROOT/static/govuk"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "Fetching govuk-frontend@${VERSION} ..."
(cd "$TMP" && npm pack --silent "govuk-frontend@${VERSION}" >/dev/null)
TARBALL="$(ls "$TMP"/govuk-frontend-*.tgz)"
tar -xzf "$TARBALL" -C "$TMP"
SRC="$TMP/package/dist/govuk"

PACKED_VERSION="$(node -p "require('$TMP/package/package.json').version")"
if [ "$PACKED_VERSION" != "$VERSION" ]; then
  echo "Asked for $VERSION but npm returned $PACKED_VERSION" >&2
  exit 1
fi

for f in govuk-frontend.min.css govuk-frontend.min.js; do
  [ -f "$SRC/$f" ] || { echo "Missing $SRC/$f in the package" >&2; exit 1; }
done

rm -rf "$DEST"
mkdir -p "$DEST"

# --- CSS -------------------------------------------------------------------
sed -E \
  -e 's#/\*! Copyright \(c\) [0-9]+ by Margaret Calvert[^*]*\*/##g' \
  -e 's#@font-face\{[^}]*\}##g' \
  -e 's#url\(/assets/#url(assets/#g' \
  -e 's#/\*[#@] sourceMappingURL=[^*]*\*/##g' \
  "$SRC/govuk-frontend.min.css" > "$DEST/govuk-frontend.min.css"

if grep -q 'GDS Transport;' "$DEST/govuk-frontend.min.css" || grep -q '@font-face' "$DEST/govuk-frontend.min.css"; then
  echo "Failed to strip @font-face rules; check the CSS format of ${VERSION}" >&2
  exit 1
fi
if grep -Eq 'url\(["'\'']?/' "$DEST/govuk-frontend.min.css"; then
  echo "Root-relative url() left in the CSS; check the CSS format of ${VERSION}" >&2
  exit 1
fi

# Copy every asset the CSS still references (and fail if one is missing).
grep -oE 'url\(["'\'']?assets/[^)"'\'']+' "$DEST/govuk-frontend.min.css" \
  | sed -E 's#^url\(["'\'']?##' | sort -u | while read -r asset; do
    [ -f "$SRC/$asset" ] || { echo "CSS references $asset which is not in the package" >&2; exit 1; }
    mkdir -p "$DEST/$(dirname "$asset")"
    cp "$SRC/$asset" "$DEST/$asset"
  done

# --- JS (self-contained ES module exporting initAll, createAll, ...) ----------
sed -E 's#//[#@] sourceMappingURL=.*$##' "$SRC/govuk-frontend.min.js" > "$DEST/govuk-frontend.min.js"
grep -q 'initAll' "$DEST/govuk-frontend.min.js" || { echo "initAll not exported?" >&2; exit 1; }

# --- metadata ----------------------------------------------------------------
echo "$VERSION" > "$DEST/VERSION"
LICENSE_SRC="$(ls "$TMP"/package/LICENSE* 2>/dev/null | head -n1 || true)"
if [ -n "$LICENSE_SRC" ]; then
  cp "$LICENSE_SRC" "$DEST/LICENSE.txt"
else
  # The npm tarball ships no LICENSE file; package.json declares MIT.
  cat > "$DEST/LICENSE.txt" <<'EOF'
GOV.UK Frontend (https://github.com/alphagov/govuk-frontend), vendored by
scripts/refresh_govuk_frontend.sh. Fonts, crown images and source maps removed.

The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
EOF
fi

echo "GOV.UK Frontend ${VERSION} vendored into ${DEST#"$REPO_ROOT"/}:"
(cd "$DEST" && find . -type f | sort | xargs ls -l | awk '{print "  " $5 "\t" $9}')
du -sh "$DEST" | awk '{print "  total: " $1}'
