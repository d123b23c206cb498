#!/usr/bin/env bash
# The plugin's translations: regenerates wp-plugin/languages/wu-runcloud.pot
# from the sources, merges it into each .po and compiles the .mo files.
#   tests/wordpress/i18n.sh          regenerate
#   tests/wordpress/i18n.sh --check  fail when the .pot, a .po or a .mo is out of date
set -euo pipefail
cd "$(dirname "$0")/../../wp-plugin"

languages=languages
pot="$languages/wu-runcloud.pot"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

find . -name '*.php' -not -path './languages/*' | LC_ALL=C sort >"$work/files"
xgettext --language=PHP --from-code=UTF-8 --add-comments=translators: --sort-by-file \
  --keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_html_e --keyword=esc_attr__ \
  --keyword=_n:1,2 --keyword=_x:1,2c --package-name="RunCloud for Ultimate Multisite" \
  --package-version=0.1.0 --msgid-bugs-address="" \
  --files-from="$work/files" --output="$work/new.pot" 2>"$work/xgettext.log" || { cat "$work/xgettext.log" >&2; exit 1; }
# A template without a creation date, so an unchanged source gives an unchanged file.
sed -e '/^"POT-Creation-Date:/d' -e 's/charset=CHARSET/charset=UTF-8/' \
  -e "1,4c\\# Translation template of RunCloud for Ultimate Multisite.\\n# This file is distributed under the same license as the plugin (GPL-2.0-or-later)." \
  "$work/new.pot" >"$work/wu-runcloud.pot"

if [ "${1:-}" = "--check" ]; then
  status=0
  # Source references (#: file:line) move with every edit; the strings must not.
  cmp -s <(grep -v '^#:' "$work/wu-runcloud.pot") <(grep -v '^#:' "$pot") ||
    { echo "$pot is out of date: run tests/wordpress/i18n.sh" >&2; status=1; }
  for po in "$languages"/*.po; do
    msgcmp --use-untranslated "$po" "$pot" || { echo "$po misses strings of the template" >&2; status=1; }
    [ -z "$(msgattrib --untranslated --no-obsolete "$po")" ] || { echo "$po has untranslated strings" >&2; status=1; }
    msgfmt --check --output-file="$work/check.mo" "$po"
    cmp -s "$work/check.mo" "${po%.po}.mo" || { echo "${po%.po}.mo is not compiled from $po" >&2; status=1; }
  done
  exit $status
fi

cp "$work/wu-runcloud.pot" "$pot"
for po in "$languages"/*.po; do
  [ -e "$po" ] || continue
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$pot"
  msgfmt --check --output-file="${po%.po}.mo" "$po"
done
echo "updated $pot and $(ls "$languages"/*.po 2>/dev/null | wc -l) translation(s)"
