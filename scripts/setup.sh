#!/usr/bin/env bash
# Prepares a machine (Debian, as root) for sgci development and its test suite, idempotently:
# the Debian tools the tests run for real, the npm dependencies, and the five fixture images
# (built from Debian packages by ../shared/fixtures/build-images.sh, cached in $SGCI_FIXTURES).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

log() { printf '[setup %(%H:%M:%S)T] %s\n' -1 "$*"; }

packages=(
  docker-registry skopeo umoci                 # the real OCI registry and the reference tools the tests compare with
  debootstrap jq attr openssh-client openssl curl zstd debian-archive-keyring dpkg-dev  # fixture image build
  apache2-utils                                # htpasswd for the Basic-auth registry
  postgresql                                   # the scale-out store, started per test run in a temp dir
  chromium                                     # HTML report accessibility tests
  libxml2-utils                                # xmllint: CycloneDX XML validated against the official XSD
  libdpkg-perl python3-rpm python3-packaging  # the real version orderings src/version is checked against:
  php-cli php-composer-semver                  # dpkg, rpm, PEP 440, Composer
  libmaven3-core-java default-jre-headless     # and Maven's ComparableVersion
  unzip                                        # Info-ZIP: the zip reader refuses the overlapping archives it refuses
  binutils                                     # readelf: ELF section tables as sgci reads them
  python3                                      # Python's csv module: RECORD lines split as pip writes them
  ruby                                         # RubyGems' own list of installed and default gems
  golang-go                                    # go version -m: Go build info as the Go tool reads it
  rpm                                          # rpmbuild and rpm -V: real rpm databases for SGCI-COMP-003
  apt-utils                                    # apt-ftparchive: the signed Debian repository the build tests make
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

fixtures=${SGCI_FIXTURES:-$HOME/.cache/sgci-fixtures}
build=$(cd .. && pwd)/shared/fixtures/build-images.sh
if [ ! -f "$fixtures/archives/python-app.docker.tar" ]; then
  [ -f "$build" ] || { echo "setup: $build not found: the fixture images need the shared/ folder beside the repository" >&2; exit 1; }
  log "building fixture images into $fixtures (about 4 minutes the first time)"
  buildlog=$(mktemp)
  bash "$build" "$fixtures" >"$buildlog" 2>&1 || { tail -n 40 "$buildlog"; exit 1; }
  rm -f "$buildlog"
fi
log "fixture images in $fixtures/archives: $(ls "$fixtures/archives" | tr '\n' ' ')"
