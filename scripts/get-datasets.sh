#!/usr/bin/env bash
# Fetches the data sets the trainer and the benchmarks read, without pip or any Python package
# being installed:
#   - Fashion-MNIST, from Debian's dataset-fashion-mnist package, into
#     /usr/share/datasets/fashion-mnist (what FashionMnist.DEFAULT_DIR and `--data fashion-mnist`
#     read);
#   - a dozen natural photographs from scikit-image's sample data, taken out of Debian's
#     python3-skimage package with `apt-get download` + `dpkg -x` (the package is not installed),
#     into data/natural/ at the repository root (for `--data data/natural`);
#   - 23 full-size photographs from Debian's wallpaper packages (mate-backgrounds' nature set and
#     the photographs among plasma-workspace-wallpapers), the same way, into data/photos/ with
#     data/photos/PHOTOS.tsv naming each file's package, version, copyright and licence; and the
#     camera frames cut from them, centre-cropped to 16:9 and scaled down (never up) to
#     1280x720 and 1920x1080, JPEG quality 90, into data/camera/720p/ and data/camera/1080p/
#     (what `bench encoder`, `bench soak` and `bench pipeline` read; see docs/data.md).
# Idempotent: whatever is already there is left alone. On systems without apt-get it prints what
# to download by hand and exits 1 if something is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
export DEBIAN_FRONTEND=noninteractive

fashion_dir=/usr/share/datasets/fashion-mnist
natural_dir="$root/data/natural"
photos_dir="$root/data/photos"
camera_dir="$root/data/camera"
# The photographs of natural scenes and objects in scikit-image 0.19's data folder. Left out:
# synthetic or drawn images (chessboards, logo, phantom, palettes, text, page scans, the horse
# silhouette), tiny test files, microscopy and retina images (not scenes), the motion-blurred clock,
# the near-duplicate right half of the motorcycle stereo pair, and the mostly black Hubble field.
photos=(astronaut.png brick.png camera.png chelsea.png coffee.png coins.png grass.png gravel.png
  moon.png motorcycle_left.png rocket.jpg)
# Anything smaller is a test fixture, not a photograph worth sampling patches from.
min_bytes=20000
# Photographs in Debian's wallpaper packages, by package and path inside it. Left out (looked at
# one by one): every drawn or rendered wallpaper (mate-backgrounds' abstract and desktop sets,
# plasma-workspace-wallpapers' Altai, Autumn, Canopee, Cascade, Cluster, Elarun, Flow,
# FlyingKonqui, Honeywave, IceCold, Kay, Kokkini, MilkyWay, Opal, PastelHills, Patak,
# SafeLanding, Shell and Volna) and all of ukui-wallpapers 20.04.3, whose twelve images are
# digital art, not photographs.
wallpaper_photos=(
  mate-backgrounds:usr/share/backgrounds/mate/nature/Aqua.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/Blinds.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/Dune.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/FreshFlower.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/Garden.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/GreenMeadow.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/LadyBird.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/RainDrops.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/Storm.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/TwoWings.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/Wood.jpg
  mate-backgrounds:usr/share/backgrounds/mate/nature/YellowFlower.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/BytheWater/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/ColdRipple/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/DarkestHour/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/EveningGlow/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/FallenLeaf/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/Grey/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/Kite/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/OneStandsOut/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/Path/contents/images/2560x1600.jpg
  plasma-workspace-wallpapers:usr/share/wallpapers/summer_1am/contents/images/2560x1600.jpg
)
# The camera-frame sizes cut from them (width x height, 16:9) and their JPEG quality.
camera_sizes=(1280x720 1920x1080)
camera_quality=90

say() { echo "get-datasets: $*"; }

has_natural() {
  [[ -d "$natural_dir" ]] &&
    find "$natural_dir" -maxdepth 1 -type f \( -name '*.png' -o -name '*.jpg' \) | grep -q .
}

has_photos() {
  [[ -f "$photos_dir/PHOTOS.tsv" ]]
}

has_camera() {
  local size
  for size in "${camera_sizes[@]}"; do
    [[ -d "$camera_dir/${size#*x}p" ]] &&
      find "$camera_dir/${size#*x}p" -maxdepth 1 -name '*.jpg' | grep -q . || return 1
  done
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
  Photographs and camera frames: from Debian's mate-backgrounds and plasma-workspace-wallpapers
    packages (any mirror), take the files listed in this script (wallpaper_photos) into
    $photos_dir, and cut 16:9 JPEGs of ${camera_sizes[*]} at quality $camera_quality from them
    into $camera_dir/720p and $camera_dir/1080p (see docs/data.md).
EOF
}

if ! command -v apt-get >/dev/null 2>&1; then
  missing=0
  [[ -d "$fashion_dir" ]] && say "Fashion-MNIST already in $fashion_dir" || missing=1
  has_natural && say "natural images already in $natural_dir" || missing=1
  has_photos && say "photographs already in $photos_dir" || missing=1
  has_camera && say "camera frames already in $camera_dir" || missing=1
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

# Downloads (does not install) Debian package $1 into directory $2, refreshing the package lists
# once if it is not found; prints the .deb's path.
apt_download() {
  local pkg=$1 dir=$2
  # apt drops privileges to _apt for downloads; let it write the directory so it does not warn
  # that it downloaded unsandboxed.
  if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then
    chown _apt "$dir"
  fi
  if ! (cd "$dir" && apt-get download -q "$pkg" >/dev/null 2>&1); then
    if [[ -z "$apt_updated" && ${sudo[0]:-} != missing-root ]]; then
      "${sudo[@]}" apt-get update -q >/dev/null
      apt_updated=1
    fi
    (cd "$dir" && apt-get download -q "$pkg" >/dev/null)
  fi
  find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Natural images
fetch_natural() {
  if has_natural; then
    say "natural images already in $natural_dir ($(ls "$natural_dir" | wc -l) files), nothing to do"
    return
  fi
  say "downloading python3-skimage (not installing it) to take its sample photographs"
  mkdir -p "$tmp/skimage"
  local deb
  deb="$(apt_download python3-skimage "$tmp/skimage")"
  dpkg -x "$deb" "$tmp/skimage/x"
  local data
  data="$(find "$tmp/skimage/x" -type d -path '*/skimage/data' | head -n 1)"
  if [[ -z "$data" ]]; then
    say "python3-skimage ($(basename "$deb")) has no skimage/data folder" >&2
    exit 1
  fi
  mkdir -p "$natural_dir"
  local copied=() photo src
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
}

# The DEP-5 stanza of a package's copyright file that covers one file: prints
# "copyright<TAB>licence" of the last stanza whose Files patterns match (DEP-5's rule), with the
# path taken relative to the package's data root ($3: the folder upstream's paths start from).
licence_of() {
  local copyright=$1 path=$2 base=$3
  local rel=${path#"$base"/}
  awk -v rel="$rel" '
    # A DEP-5 glob (* and ? only) as an anchored regular expression, one character at a time.
    function glob_regex(g,    r, k, c) {
      r = "^"
      for (k = 1; k <= length(g); k++) {
        c = substr(g, k, 1)
        if (c == "*") r = r ".*"
        else if (c == "?") r = r "."
        else if (c == "^" || c == "\\") r = r "\\" c
        else if (index(".+$(){}|[]", c) > 0) r = r "[" c "]"
        else r = r c
      }
      return r "$"
    }
    function flush() {
      if (nfiles > 0 && licence != "") {
        for (i = 1; i <= nfiles; i++) {
          if (rel ~ glob_regex(files[i])) { found_c = holder; found_l = licence }
        }
      }
      nfiles = 0; licence = ""; holder = ""; field = ""
    }
    /^$/ { flush(); next }
    /^Files:/ { field = "files"; n = split(substr($0, 7), f, /[ \t]+/)
      for (j = 1; j <= n; j++) if (f[j] != "") files[++nfiles] = f[j]; next }
    /^Copyright:/ { field = "copyright"; holder = substr($0, 11); gsub(/^[ \t]+/, "", holder); next }
    /^License:/ { field = ""; licence = substr($0, 9); gsub(/^[ \t]+/, "", licence); next }
    /^[A-Za-z-]+:/ { field = ""; next }
    /^[ \t]/ {
      if (field == "files") { n = split($0, f, /[ \t]+/)
        for (j = 1; j <= n; j++) if (f[j] != "") files[++nfiles] = f[j] }
      else if (field == "copyright") { h = $0; gsub(/^[ \t]+/, "", h); holder = holder "; " h }
      next
    }
    END { flush(); if (found_l == "") exit 1; printf "%s\t%s\n", found_c, found_l }
  ' "$copyright"
}

# The full-size photographs, each with its package, version and licence.
fetch_photos() {
  if has_photos; then
    say "photographs already in $photos_dir ($(($(wc -l <"$photos_dir/PHOTOS.tsv") - 1)) files), nothing to do"
    return
  fi
  local packages=() entry pkg
  for entry in "${wallpaper_photos[@]}"; do
    pkg=${entry%%:*}
    [[ " ${packages[*]} " == *" $pkg "* ]] || packages+=("$pkg")
  done
  local manifest="$tmp/PHOTOS.tsv"
  printf 'file\tpackage\tversion\tpath in package\tcopyright\tlicence\n' >"$manifest"
  for pkg in "${packages[@]}"; do
    say "downloading $pkg (not installing it) to take its photographs"
    mkdir -p "$tmp/$pkg"
    local deb version copyright base
    deb="$(apt_download "$pkg" "$tmp/$pkg")"
    version="$(dpkg-deb -f "$deb" Version)"
    dpkg -x "$deb" "$tmp/$pkg/x"
    copyright="$tmp/$pkg/x/usr/share/doc/$pkg/copyright"
    # Upstream's paths in the copyright file start below these folders.
    case "$pkg" in
      mate-backgrounds) base=usr/share/backgrounds/mate ;;
      *) base=usr/share/wallpapers ;;
    esac
    mkdir -p "$tmp/photos/$pkg"
    for entry in "${wallpaper_photos[@]}"; do
      [[ ${entry%%:*} == "$pkg" ]] || continue
      local path=${entry#*:} name src rights
      src="$tmp/$pkg/x/$path"
      if [[ ! -f "$src" ]]; then
        say "$pkg $version has no $path" >&2
        exit 1
      fi
      # Plasma keeps each photograph as WALLPAPER/contents/images/SIZE.jpg: name it WALLPAPER.jpg.
      case "$path" in
        */contents/images/*) name="$(basename "${path%%/contents/*}").jpg" ;;
        *) name="$(basename "$path")" ;;
      esac
      if ! rights="$(licence_of "$copyright" "$path" "$base")"; then
        say "no licence for $path in $pkg's copyright file" >&2
        exit 1
      fi
      cp "$src" "$tmp/photos/$pkg/$name"
      printf '%s\t%s\t%s\t%s\t%s\n' "$pkg/$name" "$pkg" "$version" "$path" "$rights" >>"$manifest"
    done
    cp "$copyright" "$tmp/photos/$pkg/copyright"
  done
  cp "$manifest" "$tmp/photos/PHOTOS.tsv"
  mkdir -p "$(dirname "$photos_dir")"
  rm -rf "$photos_dir"
  mv "$tmp/photos" "$photos_dir"
  say "copied ${#wallpaper_photos[@]} photographs into $photos_dir (list and licences: PHOTOS.tsv)"
}

# ImageMagick's convert; /usr/local/bin may hold a stand-in of the same name, so Debian's binary
# is asked for by its own name first.
find_convert() {
  local c
  for c in /usr/bin/convert-im6.q16 /usr/bin/convert /usr/bin/magick; do
    [[ -x "$c" ]] && { echo "$c"; return; }
  done
  apt_install imagemagick || return 1
  [[ -x /usr/bin/convert-im6.q16 ]] && echo /usr/bin/convert-im6.q16 || echo /usr/bin/convert
}

# Runs ImageMagick without the warning Debian's build prints about its own XML configuration.
im() {
  "$@" 2> >(grep -v 'ParseError missing >' >&2)
}

# 16:9 camera frames cut from the photographs: centre crop, area-averaging shrink, quality 90.
cut_camera() {
  if has_camera; then
    say "camera frames already in $camera_dir, nothing to do"
    return
  fi
  local convert
  if ! convert="$(find_convert)"; then
    say "could not install imagemagick to cut the camera frames" >&2
    exit 1
  fi
  local size w h out cut photo name pw ph
  for size in "${camera_sizes[@]}"; do
    w=${size%x*}
    h=${size#*x}
    out="$camera_dir/${h}p"
    mkdir -p "$out"
    cut=0
    while IFS=$'\t' read -r photo _; do
      [[ $photo == file ]] && continue
      read -r pw ph < <(im "$convert" "$photos_dir/$photo" -format '%w %h\n' info:)
      # Scale down, never up: a photograph whose 16:9 crop is smaller than the frame is skipped.
      if ((pw * 9 >= ph * 16)); then
        ((ph >= h)) || continue
      else
        ((pw >= w)) || continue
      fi
      name="$(basename "${photo%.*}")"
      im "$convert" "$photos_dir/$photo" -colorspace sRGB -resize "${w}x${h}^" -gravity center \
        -extent "${w}x${h}" -strip -sampling-factor 4:2:0 -quality "$camera_quality" \
        "$out/$name.jpg"
      cut=$((cut + 1))
    done <"$photos_dir/PHOTOS.tsv"
    say "cut $cut camera frames of ${w}x${h} (JPEG quality $camera_quality) into $out"
  done
}

fetch_natural
fetch_photos
cut_camera
