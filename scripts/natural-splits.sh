#!/usr/bin/env bash
# Cuts the photographs into the splits the natural-image models are chosen and reported on, as
# folders of symbolic links under OUT (default: out/natural-splits):
#   OUT/train       data/natural (11 scikit-image photographs) and 12 of data/photos' 23
#   OUT/validation  6 of data/photos: every choice (pool, density, threshold) is made here
#   OUT/test        5 of data/photos: scored once, for what ships
# data/photos' files are taken sorted by path; the i-th (from 0) goes to validation when i % 4 == 1,
# to test when i % 4 == 3, and to train otherwise. Run scripts/get-datasets.sh first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out="${1:-$root/out/natural-splits}"
photos="$root/data/photos"
natural="$root/data/natural"
[[ -f "$photos/PHOTOS.tsv" && -d "$natural" ]] || {
  echo "natural-splits: run scripts/get-datasets.sh first (data/photos, data/natural)" >&2
  exit 1
}
rm -rf "$out"
mkdir -p "$out/train" "$out/validation" "$out/test"
i=0
while IFS= read -r f; do
  case $((i % 4)) in
    1) split=validation ;;
    3) split=test ;;
    *) split=train ;;
  esac
  name="$(basename "$(dirname "$f")")-$(basename "$f")"
  ln -s "$(readlink -f "$f")" "$out/$split/$name"
  i=$((i + 1))
done < <(find "$photos" -type f -name '*.jpg' | LC_ALL=C sort)
for f in "$natural"/*; do
  ln -s "$(readlink -f "$f")" "$out/train/natural-$(basename "$f")"
done
for split in train validation test; do
  echo "natural-splits: $out/$split: $(find "$out/$split" -maxdepth 1 -type l | wc -l) photographs"
done
