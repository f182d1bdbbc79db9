#!/usr/bin/env bash
# Rebuild aupgen/web/static/ from the pinned govuk-frontend release on npm: its JavaScript as released,
# and its Sass compiled with system fonts (not the GOV.UK Transport typeface, which is for GOV.UK only).
# The release must match the govuk-frontend-jinja pinned in pyproject.toml (4.1.0 <-> 6.3.0).
set -euo pipefail
VERSION=6.3.0
SASS=1.108.2
static="$(cd "$(dirname "$0")/../static" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "govuk-frontend@$VERSION" "sass@$SASS"
cat > aupgen.scss <<'SCSS'
@use "govuk-frontend/dist/govuk" with (
  $govuk-font-family: (system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "/static/"
);
SCSS
npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps aupgen.scss "$static/aupgen-govuk.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$static/govuk-frontend.min.js"
license=$(node -p 'require("govuk-frontend/package.json").license')
printf 'aupgen-govuk.min.css and govuk-frontend.min.js are built from govuk-frontend %s (npm),\nlicence: %s, copyright (c) Crown Copyright (Government Digital Service);\nrebuilt by aupgen/web/assets/rebuild.sh with system fonts and no GOV.UK branding.\n' "$VERSION" "$license" > "$static/NOTICE.txt"
echo "Rebuilt $static from govuk-frontend $VERSION."
