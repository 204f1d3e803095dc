#!/usr/bin/env bash
# Runs Tempest (Debian's package) against a running Nuage: prepares what Tempest needs from the cloud
# (two public images of the tiny guest, two flavors), writes tempest.conf for dynamic credentials, runs
# the tests of a list, and checks that every listed test ran and passed (a skip is a failure).
#
# Usage: bash scripts/conformance/tempest.sh --clouds-yaml FILE --workspace DIR [--list FILE]
#          [--filter REGEX] [--concurrency N]
#   --clouds-yaml  the clouds.yaml `nuage up` wrote (cloud "nuage", the cloud admin)
#   --workspace    Tempest workspace directory (created; its etc/tempest.conf is rewritten)
#   --list         test ids, one per line, '#' comments and extra columns ignored
#                  (default: shared interop list, scripts/conformance/interop-2020.06-platform.txt)
#   --filter       only the listed tests whose id matches this extended regex (for local work)
#   --concurrency  Tempest workers (default 2)
#   --known        known failures (ids with a '#' reason): reported, but they do not fail the run
# The last line is "tempest: N passed, N failed, N skipped, N missing of N listed; N known, N unexpected,
# N now passing"; the exit status is non-zero if any test failed that is not a known failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export PATH="/usr/bin:/usr/sbin:/bin:/sbin:$PATH"

clouds="" workspace="" list="$here/interop-2020.06-platform.txt" filter="" concurrency=2 known=""
while [ $# -gt 0 ]; do
  case "$1" in
    --clouds-yaml) clouds="$2"; shift 2 ;;
    --workspace) workspace="$2"; shift 2 ;;
    --list) list="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --known) known="$2"; shift 2 ;;
    *) echo "tempest.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$clouds" ] && [ -f "$clouds" ] || { echo "tempest.sh: --clouds-yaml FILE is required" >&2; exit 2; }
[ -n "$workspace" ] || { echo "tempest.sh: --workspace DIR is required" >&2; exit 2; }
command -v tempest >/dev/null || { echo "tempest.sh: tempest is not installed (apt-get install tempest)" >&2; exit 2; }

log() { printf 'tempest.sh: %s\n' "$*" >&2; }
export OS_CLIENT_CONFIG_FILE="$clouds"
os() { openstack --os-cloud nuage "$@"; }

# --- what Tempest needs from the cloud -----------------------------------------------------------
guest_dir="${NUAGE_CACHE_DIR:-$HOME/.cache/nuage}/guest-image"
bash "$repo/scripts/build-guest-image.sh" "$guest_dir" >&2
image_id() {
  local name="$1" id
  id="$(os image list --name "$name" -f value -c ID | head -n 1)"
  if [ -z "$id" ]; then
    id="$(os image create --public --disk-format qcow2 --container-format bare \
      --file "$guest_dir/nuage-tiny.qcow2" "$name" -f value -c id)"
  fi
  printf '%s' "$id"
}
flavor_id() {
  local id="$1" name="$2" ram="$3"
  os flavor show "$id" -f value -c id >/dev/null 2>&1 ||
    os flavor create --id "$id" --vcpus 1 --ram "$ram" --disk 1 --public "$name" -f value -c id >/dev/null
  printf '%s' "$id"
}
image_ref="$(image_id tempest-tiny)"
image_ref_alt="$(image_id tempest-tiny-alt)"
flavor_ref="$(flavor_id 1042 tempest.nano 128)"
flavor_ref_alt="$(flavor_id 1084 tempest.micro 192)"
public_net="$(os network show public -f value -c id)"
log "images $image_ref $image_ref_alt, flavors $flavor_ref $flavor_ref_alt, public network $public_net"

# --- tempest.conf --------------------------------------------------------------------------------
read -r auth_url admin_user admin_password admin_project region < <(/usr/bin/python3 - "$clouds" <<'PY'
import sys, yaml
cloud = yaml.safe_load(open(sys.argv[1]))["clouds"]["nuage"]
a = cloud["auth"]
print(a["auth_url"], a["username"], a["password"], a["project_name"], cloud.get("region_name", "RegionOne"))
PY
)
mkdir -p "$workspace"
workspace="$(cd "$workspace" && pwd)"
mkdir -p "$workspace/etc" "$workspace/logs" "$workspace/tempest_lock"
# What `tempest init` writes, without registering a named workspace in ~/.tempest.
tempest_dir="$(/usr/bin/python3 -c 'import os, tempest; print(os.path.dirname(tempest.__file__))')"
printf '[DEFAULT]\ntest_path=%s/test_discover\ntop_dir=%s\ngroup_regex=([^\\.]*\\.)*\n' \
  "$tempest_dir" "$(dirname "$tempest_dir")" >"$workspace/.stestr.conf"
sed -e "s|@AUTH_URL@|$auth_url|" -e "s|@ADMIN_USER@|$admin_user|" -e "s|@ADMIN_PASSWORD@|$admin_password|" \
  -e "s|@ADMIN_PROJECT@|$admin_project|" -e "s|@REGION@|$region|" -e "s|@IMAGE_REF@|$image_ref|" \
  -e "s|@IMAGE_REF_ALT@|$image_ref_alt|" -e "s|@FLAVOR_REF@|$flavor_ref|" -e "s|@FLAVOR_REF_ALT@|$flavor_ref_alt|" \
  -e "s|@PUBLIC_NETWORK@|$public_net|" -e "s|@WORKSPACE@|$workspace|" \
  "$here/tempest.conf.in" >"$workspace/etc/tempest.conf"
chmod 600 "$workspace/etc/tempest.conf"

# --- the run -------------------------------------------------------------------------------------
selected="$workspace/selected.txt"
grep -v '^#' "$list" | awk 'NF {print $1}' | sort -u | { if [ -n "$filter" ]; then grep -E -- "$filter" || true; else cat; fi; } >"$selected"
count=$(wc -l <"$selected")
[ "$count" -gt 0 ] || { echo "tempest.sh: no test selected" >&2; exit 2; }
# Tempest ids carry "[id-…]" attributes: match each listed name exactly, up to its attributes.
sed -E 's/\./\\./g; s/^/^/; s/$/\\[/' "$selected" >"$workspace/include.txt"
log "running $count tests with concurrency $concurrency"
start=$(date +%s)
status=0
(cd "$workspace" && tempest run --include-list "$workspace/include.txt" --concurrency "$concurrency") || status=$?
log "tempest run exited $status after $(($(date +%s) - start)) s"
(cd "$workspace" && stestr last --subunit) | /usr/bin/python3 "$here/tempest-report.py" "$selected" ${known:+"$known"}
