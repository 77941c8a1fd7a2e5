#!/usr/bin/env bash
# Fetches the data sets the trainer reads, without pip or any Python package being installed:
#   - Fashion-MNIST, from Debian's dataset-fashion-mnist package, into
#     /usr/share/datasets/fashion-mnist (what FashionMnist.DEFAULT_DIR and `--data fashion-mnist`
#     read);
#   - a dozen natural photographs from scikit-image's sample data, taken out of Debian's
#     python3-skimage package with `apt-get download` + `dpkg -x` (the package is not installed),
#     into data/natural/ at the repository root (for `--data data/natural`).
# Idempotent: whatever is already there is left alone. On systems without apt-get it prints what
# to download by hand and exits 1 if something is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
export DEBIAN_FRONTEND=noninteractive

fashion_dir=/usr/share/datasets/fashion-mnist
natural_dir="$root/data/natural"
# The photographs of natural scenes and objects in scikit-image 0.19's data folder. Left out:
# synthetic or drawn images (chessboards, logo, phantom, palettes, text, page scans, the horse
# silhouette), tiny test files, microscopy and retina images (not scenes), the motion-blurred clock,
# the near-duplicate right half of the motorcycle stereo pair, and the mostly black Hubble field.
photos=(astronaut.png brick.png camera.png chelsea.png coffee.png coins.png grass.png gravel.png
  moon.png motorcycle_left.png rocket.jpg)
# Anything smaller is a test fixture, not a photograph worth sampling patches from.
min_bytes=20000

say() { echo "get-datasets: $*"; }

has_natural() {
  [[ -d "$natural_dir" ]] &&
    find "$natural_dir" -maxdepth 1 -type f \( -name '*.png' -o -name '*.jpg' \) | grep -q .
}

manual_instructions() {
  cat <<EOF
get-datasets: apt-get not found; fetch the data by hand:
  Fashion-MNIST: download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
    t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from
    https://github.com/zalandoresearch/fashion-mnist (data/fashion/) into a directory, and pass
    --data fashion-mnist:THAT_DIR (or put them in $fashion_dir).
  Natural images: copy a few photographs (PNG or JPEG; scikit-image's sample data in
    https://github.com/scikit-image/scikit-image/tree/main/skimage/data works: ${photos[*]})
    into $natural_dir and pass --data data/natural.
EOF
}

if ! command -v apt-get >/dev/null 2>&1; then
  missing=0
  [[ -d "$fashion_dir" ]] && say "Fashion-MNIST already in $fashion_dir" || missing=1
  has_natural && say "natural images already in $natural_dir" || missing=1
  if [[ $missing -ne 0 ]]; then
    manual_instructions >&2
    exit 1
  fi
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    sudo=(missing-root)
  fi
fi

# Installs a package, refreshing the package lists once if the first attempt cannot find it.
apt_updated=
apt_install() {
  if [[ ${sudo[0]:-} == missing-root ]]; then
    say "need root to install $1 (not root, no sudo): run 'apt-get install $1' as root" >&2
    exit 2
  fi
  if ! "${sudo[@]}" apt-get install -y -q "$1" >/dev/null; then
    [[ -n "$apt_updated" ]] && return 1
    "${sudo[@]}" apt-get update -q >/dev/null
    apt_updated=1
    "${sudo[@]}" apt-get install -y -q "$1" >/dev/null
  fi
}

# Fashion-MNIST
if [[ -d "$fashion_dir" ]]; then
  say "Fashion-MNIST already in $fashion_dir (dataset-fashion-mnist), nothing to do"
else
  say "installing dataset-fashion-mnist into $fashion_dir"
  if ! apt_install dataset-fashion-mnist; then
    say "could not install dataset-fashion-mnist; download the IDX files from" \
      "https://github.com/zalandoresearch/fashion-mnist instead" >&2
    exit 1
  fi
  say "installed: $(ls "$fashion_dir" | tr '\n' ' ')"
fi

# Natural images
if has_natural; then
  say "natural images already in $natural_dir ($(ls "$natural_dir" | wc -l) files), nothing to do"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# apt drops privileges to _apt for downloads; let it write the temporary directory so it does not
# warn that it downloaded unsandboxed.
if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then
  chown _apt "$tmp"
fi
say "downloading python3-skimage (not installing it) to take its sample photographs"
if ! (cd "$tmp" && apt-get download -q python3-skimage >/dev/null 2>&1); then
  if [[ -z "$apt_updated" && ${sudo[0]:-} != missing-root ]]; then
    "${sudo[@]}" apt-get update -q >/dev/null
    apt_updated=1
  fi
  (cd "$tmp" && apt-get download -q python3-skimage >/dev/null)
fi
deb="$(find "$tmp" -maxdepth 1 -name 'python3-skimage_*.deb' | head -n 1)"
dpkg -x "$deb" "$tmp/x"
data="$(find "$tmp/x" -type d -path '*/skimage/data' | head -n 1)"
if [[ -z "$data" ]]; then
  say "python3-skimage ($(basename "$deb")) has no skimage/data folder" >&2
  exit 1
fi
mkdir -p "$natural_dir"
copied=()
for photo in "${photos[@]}"; do
  src="$data/$photo"
  if [[ -f "$src" && $(stat -c %s "$src") -ge $min_bytes ]]; then
    cp "$src" "$natural_dir/"
    copied+=("$photo")
  else
    say "skipped $photo: not in $(basename "$deb") (or under $min_bytes bytes)"
  fi
done
if [[ ${#copied[@]} -eq 0 ]]; then
  say "no photographs found in $(basename "$deb")" >&2
  exit 1
fi
say "copied ${#copied[@]} photographs from $(basename "$deb") into $natural_dir: ${copied[*]}"
