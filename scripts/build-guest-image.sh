#!/usr/bin/env bash
# Build the Nuage tiny guest image from Debian packages only.
#
#   scripts/build-guest-image.sh OUT_DIR
#
# Writes OUT_DIR/nuage-tiny.qcow2 (a 64 MiB MBR disk: syslinux mbr.bin, one active FAT16
# partition at 1 MiB holding SYSLINUX, the Debian cloud kernel and an initramfs with
# busybox-static, dropbear and a few virtio/ATA/SCSI modules) and OUT_DIR/nuage-tiny.sha256.
# What the guest does at boot is in scripts/guest-image/rootfs/etc/rc; see docs/guest-image.md.
#
# Environment:
#   NUAGE_CACHE_DIR             cache root (default ~/.cache/nuage); .debs go in <root>/guest-image
#   NUAGE_GUEST_IMAGE_FORCE=1   rebuild even if the image is newer than this script and its helpers
#   SOURCE_DATE_EPOCH           timestamp for files inside the initramfs (default 0)
#
# Needs: apt (Debian 12). Installs its own build tools when missing (root, or sudo -n):
# qemu-utils syslinux syslinux-common mtools dosfstools cpio. The kernel, busybox-static,
# dropbear-bin and dropbear's libraries are only downloaded (apt-get download), never installed.
# No loop mounts, no mknod, nothing else needs root.
set -euo pipefail

log() { printf '[build-guest-image] %s\n' "$*" >&2; }
die() { printf '[build-guest-image] error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }

export PATH="$PATH:/usr/sbin:/sbin"
export LC_ALL=C
SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
HELPERS="$(dirname "$SCRIPT")/guest-image"
[ -d "$HELPERS/rootfs" ] || die "missing helper directory $HELPERS/rootfs"

mkdir -p "$1"
OUT_DIR="$(cd "$1" && pwd)"
IMG="$OUT_DIR/nuage-tiny.qcow2"
SUM="$OUT_DIR/nuage-tiny.sha256"
CACHE="${NUAGE_CACHE_DIR:-$HOME/.cache/nuage}/guest-image"

# ---------------------------------------------------------------- up to date?
up_to_date() {
	[ -f "$IMG" ] && [ -f "$SUM" ] && [ "$IMG" -nt "$SCRIPT" ] || return 1
	local f
	while IFS= read -r -d '' f; do
		[ "$IMG" -nt "$f" ] || return 1
	done < <(find "$HELPERS" \( -type f -o -type l \) -print0)
}
if [ "${NUAGE_GUEST_IMAGE_FORCE:-0}" != 1 ] && up_to_date; then
	log "up to date: $IMG"
	exit 0
fi

T0=$(date +%s.%N)
TMP="$(mktemp -d "${TMPDIR:-/tmp}/nuage-guest-image.XXXXXX")"
IMG_TMP="$OUT_DIR/.nuage-tiny.qcow2.$$"
cleanup() { rm -rf "$TMP"; rm -f "$IMG_TMP" "$SUM.$$"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- apt helpers
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
		sudo -n "$@"
	else
		die "need root to run: $*"
	fi
}
APT_UPDATED=0
apt_update_once() {
	[ "$APT_UPDATED" = 1 ] && return 0
	log "apt-get update"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	APT_UPDATED=1
}
have_apt_lists() { compgen -G '/var/lib/apt/lists/*_Packages*' > /dev/null; }

ensure_build_tools() {
	local need=()
	command -v qemu-img > /dev/null || need+=(qemu-utils)
	command -v syslinux > /dev/null || need+=(syslinux)
	[ -f /usr/lib/syslinux/mbr/mbr.bin ] || need+=(syslinux-common)
	command -v mcopy > /dev/null || need+=(mtools)
	command -v mkfs.vfat > /dev/null || need+=(dosfstools)
	command -v cpio > /dev/null || need+=(cpio)
	command -v gzip > /dev/null || need+=(gzip)
	[ ${#need[@]} -eq 0 ] && return 0
	log "installing build tools: ${need[*]}"
	have_apt_lists || apt_update_once
	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends)
	if ! as_root "${apt[@]}" "${need[@]}"; then
		apt_update_once
		as_root "${apt[@]}" "${need[@]}"
	fi
}

declare -A CANDIDATE=()
load_candidates() { # PKG... -> CANDIDATE[PKG]=version apt would download (one apt-cache call)
	local pkg ver
	while read -r pkg ver; do
		CANDIDATE[$pkg]=$ver
	done < <(apt-cache policy "$@" 2> /dev/null |
		awk '/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) } /^  Candidate:/ && $2 != "(none)" { print p, $2 }')
}
candidate_version() { echo "${CANDIDATE[$1]:-}"; }

# cached_deb PKG -> path of PKG's .deb in the cache: the apt candidate version if apt knows
# one, else (no apt metadata, offline) the newest cached version; nothing if not cached.
cached_deb() {
	local pkg=$1 ver
	ver=$(candidate_version "$pkg")
	if [ -n "$ver" ]; then
		compgen -G "$CACHE/${pkg}_${ver//:/%3a}_*.deb" | head -n 1 || true
	else
		compgen -G "$CACHE/${pkg}_*.deb" | sort -V | tail -n 1 || true
	fi
}
apt_download() { # PKG... into the cache, one apt-get call
	local opts=(-q)
	[ "$(id -u)" -eq 0 ] && opts+=(-o APT::Sandbox::User=root)
	log "apt-get download $*"
	(cd "$CACHE" && apt-get download "${opts[@]}" "$@" >&2)
}
fetch_debs() { # PKG... -> fills DEB[PKG] with cached .deb paths, downloading what is missing
	local p missing=()
	for p in "$@"; do
		DEB[$p]=$(cached_deb "$p")
		[ -n "${DEB[$p]}" ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if ! apt_download "${missing[@]}"; then
		apt_update_once
		load_candidates "${missing[@]}"
		apt_download "${missing[@]}"
	fi
	load_candidates "${missing[@]}"
	for p in "${missing[@]}"; do
		DEB[$p]=$(cached_deb "$p")
		[ -n "${DEB[$p]}" ] || die "apt-get download $p left no .deb in $CACHE"
	done
}

resolve_kernel_pkg() { # the concrete linux-image-*-cloud-amd64 behind the metapackage
	local k
	k=$(apt-cache depends linux-image-cloud-amd64 2> /dev/null |
		awk '$1 ~ /Depends:$/ && $2 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }')
	if [ -z "$k" ]; then
		if [ "$APT_UPDATED" = 0 ] && { [ "$(id -u)" -eq 0 ] || sudo -n true 2> /dev/null; }; then
			apt_update_once
			k=$(apt-cache depends linux-image-cloud-amd64 2> /dev/null |
				awk '$1 ~ /Depends:$/ && $2 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }')
		fi
	fi
	if [ -z "$k" ]; then
		local f
		f=$(compgen -G "$CACHE/linux-image-*-cloud-amd64_*.deb" | sort -V | tail -n 1 || true)
		[ -n "$f" ] || die "cannot resolve linux-image-cloud-amd64 (no apt lists, nothing cached)"
		k=$(basename "$f" | cut -d_ -f1)
	fi
	echo "$k"
}

# ---------------------------------------------------------------- 1. tools and packages
ensure_build_tools
mkdir -p "$CACHE"
exec 9> "$CACHE/.lock"
flock 9
KPKG=$(resolve_kernel_pkg)
KVER=${KPKG#linux-image-}
log "kernel package: $KPKG"
# dropbear-bin plus the recursive closure of its Depends (libc6 libcrypt1 libtomcrypt1
# libtommath1 libgmp10 zlib1g libgcc-s1 ...): the guest gets the exact Debian libraries,
# not whatever the build host has installed.
DROPBEAR_PKGS=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances dropbear-bin 2> /dev/null | grep -E '^[a-z0-9]' | sort -u || true)
[ -n "$DROPBEAR_PKGS" ] ||
	DROPBEAR_PKGS="dropbear-bin libc6 libcrypt1 libtomcrypt1 libtommath1 libgmp10 zlib1g libgcc-s1"
LIB_PKGS=()
for p in $DROPBEAR_PKGS; do [ "$p" = dropbear-bin ] || LIB_PKGS+=("$p"); done
PKGS=("$KPKG" busybox-static dropbear-bin "${LIB_PKGS[@]}")
load_candidates "${PKGS[@]}"
declare -A DEB=()
fetch_debs "${PKGS[@]}"
for p in "${PKGS[@]}"; do # drop superseded versions (and superseded kernel ABIs) from the cache
	pat="${p}_*.deb"
	[ "$p" = "$KPKG" ] && pat="linux-image-*-cloud-amd64_*.deb"
	for f in "$CACHE"/$pat; do
		[ -e "$f" ] && [ "$f" != "${DEB[$p]}" ] && { log "pruning cached $(basename "$f")"; rm -f "$f"; }
	done
done
flock -u 9
exec 9>&-
T_FETCH=$(date +%s.%N)

X="$TMP/x"
for p in "${PKGS[@]}"; do
	mkdir -p "$X/$p"
	dpkg-deb -x "${DEB[$p]}" "$X/$p"
done
K="$X/$KPKG"
MODDIR="$K/lib/modules/$KVER"
VMLINUZ="$K/boot/vmlinuz-$KVER"
[ -f "$VMLINUZ" ] && [ -f "$MODDIR/modules.order" ] || die "unexpected layout in ${DEB[$KPKG]}"

# ---------------------------------------------------------------- 2. initramfs tree
ROOT="$TMP/root"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,lib64,lib/x86_64-linux-gnu,usr/lib/x86_64-linux-gnu} \
	"$ROOT"/{etc/nuage,etc/dropbear,proc,sys,dev,tmp,run,var/log,var/run,var/www,mnt,root/.ssh}
chmod 700 "$ROOT/root" "$ROOT/root/.ssh"
chmod 1777 "$ROOT/tmp"

# busybox + a link per applet (at the paths busybox itself reports)
BB="$X/busybox-static/bin/busybox"
install -m 755 "$BB" "$ROOT/bin/busybox"
while IFS= read -r a; do
	[ -n "$a" ] && [ "$a" != bin/busybox ] || continue
	mkdir -p "$ROOT/$(dirname "$a")"
	[ -e "$ROOT/$a" ] || ln -s /bin/busybox "$ROOT/$a"
done < <("$BB" --list-full)
[ -L "$ROOT/sbin/init" ] && [ -L "$ROOT/bin/sh" ] || die "busybox applet links missing"

# kernel modules: the wanted list plus dependencies (from each .ko's modinfo "depends="),
# loaded by /etc/rc with insmod in this order.
WANT_MODULES=(virtio_pci virtio_net virtio_blk virtio_scsi virtio_rng virtio_console
	scsi_mod sd_mod cdrom sr_mod isofs libata ata_piix button evdev)
declare -A MOD_PARAMS=([scsi_mod]="scan=sync")
declare -A MOD_SEEN=()
MOD_ORDER=()
mod_path() { # NAME -> kernel/... path relative to MODDIR (from modules.order)
	local re="${1//[-_]/[-_]}"
	grep -m 1 -E "/${re}\.ko$" "$MODDIR/modules.order" || true
}
add_module() {
	local name="${1//-/_}" path deps d
	[ -n "${MOD_SEEN[$name]:-}" ] && return 0
	MOD_SEEN[$name]=1
	path=$(mod_path "$name")
	if [ -z "$path" ]; then
		grep -qE "/${name//_/[-_]}\.ko$" "$MODDIR/modules.builtin" && return 0
		die "kernel module $name: neither a module nor built in ($KVER)"
	fi
	[ -f "$MODDIR/$path" ] || die "kernel module file missing: $path"
	deps=$(tr '\0' '\n' < "$MODDIR/$path" | sed -n 's/^depends=//p' | head -n 1)
	for d in ${deps//,/ }; do add_module "$d"; done
	MOD_ORDER+=("$path")
}
for m in "${WANT_MODULES[@]}"; do add_module "$m"; done
: > "$ROOT/etc/nuage/modules"
for path in "${MOD_ORDER[@]}"; do
	mkdir -p "$ROOT/lib/modules/$KVER/$(dirname "$path")"
	cp "$MODDIR/$path" "$ROOT/lib/modules/$KVER/$path"
	name=$(basename "$path" .ko)
	echo "$path ${MOD_PARAMS[${name//-/_}]:-}" >> "$ROOT/etc/nuage/modules"
done
cp "$MODDIR/modules.order" "$MODDIR/modules.builtin" "$ROOT/lib/modules/$KVER/"
# modules.dep for an interactive `modprobe` in the guest (boot does not need it)
"$BB" depmod -b "$ROOT" "$KVER" 2> /dev/null || log "warning: busybox depmod failed (modprobe in the guest will not work)"
log "kernel modules (${#MOD_ORDER[@]}): $(for p in "${MOD_ORDER[@]}"; do basename "$p" .ko; done | tr '\n' ' ')"

# dropbear (SSH server) with the shared libraries it needs, resolved by the glibc loader
# from the downloaded packages (an ldd that never looks at the build host's libraries).
LIBPATH=""
for p in "${LIB_PKGS[@]}"; do
	for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
		[ -d "$X/$p/$d" ] && LIBPATH="$LIBPATH${LIBPATH:+:}$X/$p/$d"
	done
done
LDSO="$X/libc6/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
[ -f "$LDSO" ] || die "no ld-linux-x86-64.so.2 in the libc6 package"
DB_SBIN="$X/dropbear-bin/usr/sbin/dropbear"
DB_KEY="$X/dropbear-bin/usr/bin/dropbearkey"
[ -f "$DB_SBIN" ] && [ -f "$DB_KEY" ] || die "dropbear-bin package has no dropbear/dropbearkey"
install -m 755 "$DB_SBIN" "$ROOT/usr/sbin/dropbear"
install -m 755 "$DB_KEY" "$ROOT/usr/bin/dropbearkey"
install -m 755 "$LDSO" "$ROOT/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
ln -sf /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$ROOT/lib64/ld-linux-x86-64.so.2"
for bin in "$DB_SBIN" "$DB_KEY"; do
	listing=$("$LDSO" --library-path "$LIBPATH" --list "$bin") || die "ld.so --list $bin failed"
	if grep -q 'not found' <<< "$listing"; then
		die "unresolved libraries for $(basename "$bin"): $listing"
	fi
	while read -r soname arrow lib _; do
		[ "$arrow" = "=>" ] && [ -f "$lib" ] || continue
		case "$lib" in "$X"/*) ;; *) die "$soname resolved outside the downloaded packages: $lib" ;; esac
		rel=${lib#"$X"/*/}      # lib/x86_64-linux-gnu/libc.so.6 or usr/lib/...
		mkdir -p "$ROOT/$(dirname "$rel")"
		cp -L "$lib" "$ROOT/$rel"
	done <<< "$listing"
done
# smoke test: the packaged binaries run with the packaged loader and libraries
"$LDSO" --library-path "$LIBPATH" "$DB_KEY" -t ed25519 -f "$TMP/smoke_key" > /dev/null 2>&1 ||
	die "dropbearkey from the package does not run with its libraries"
"$LDSO" --library-path "$LIBPATH" "$DB_SBIN" -V > /dev/null 2>&1 ||
	"$LDSO" --library-path "$LIBPATH" "$DB_SBIN" -h 2>&1 | grep -qi dropbear ||
	die "dropbear from the package does not run with its libraries"

# our files (init, rc, udhcpc hook, metadata fetcher, CGI scripts, ...)
cp -a "$HELPERS/rootfs/." "$ROOT/"
while IFS= read -r -d '' f; do # scripts are executable even if a checkout lost the mode bits
	if [ "$(head -c 2 "$f")" = '#!' ]; then chmod 755 "$f"; fi
done < <(find "$ROOT/init" "$ROOT/etc" "$ROOT/usr/lib/nuage" "$ROOT/usr/bin/lsblk" "$ROOT/var/www" -type f -print0)
chmod 600 "$ROOT/etc/shadow"
[ -x "$ROOT/init" ] || die "rootfs/init missing"
echo "nuage-tiny kernel=$KVER busybox=$(basename "${DEB[busybox-static]}" .deb) dropbear=$(basename "${DEB[dropbear-bin]}" .deb)" \
	> "$ROOT/etc/nuage/build-info"

# cpio (newc, everything owned by root, fixed timestamps) + gzip
EPOCH=${SOURCE_DATE_EPOCH:-0}
find "$ROOT" -print0 | xargs -0 touch -h -d "@$EPOCH"
(cd "$ROOT" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -6 -n > "$TMP/initrd.img"
T_INITRD=$(date +%s.%N)

# ---------------------------------------------------------------- 3. disk
# 64 MiB raw disk: sector 0 = syslinux mbr.bin + one active FAT16 (LBA) partition entry,
# partition = sectors 2048..131071 (1 MiB .. 64 MiB) made as a separate file and dd'ed in.
DISK_MIB=64
PART_START=2048
TOTAL_SECTORS=$((DISK_MIB * 2048))
PART_SECTORS=$((TOTAL_SECTORS - PART_START))
PART="$TMP/part.img"
DISK="$TMP/disk.raw"
export MTOOLS_SKIP_CHECK=1

cat > "$TMP/syslinux.cfg" << 'EOF'
DEFAULT nuage
PROMPT 0
TIMEOUT 0
LABEL nuage
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND console=ttyS0 quiet
EOF
truncate -s $((PART_SECTORS * 512)) "$PART"
mkfs.vfat -F 16 -n NUAGEBOOT -h "$PART_START" -i 4e554147 --invariant "$PART" > /dev/null
mcopy -i "$PART" -o "$VMLINUZ" ::/vmlinuz
mcopy -i "$PART" -o "$TMP/initrd.img" ::/initrd.img
mcopy -i "$PART" -o "$TMP/syslinux.cfg" ::/syslinux.cfg
syslinux --install "$PART"
mdir -a -b -i "$PART" ::/ | grep -qi "ldlinux.sys" || die "syslinux did not install ldlinux.sys"

le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
chs() { # LBA -> 3 bytes CHS (255 heads, 63 sectors/track; 1023/254/63 when beyond)
	local lba=$1 c h s
	c=$((lba / (255 * 63)))
	h=$(((lba / 63) % 255))
	s=$((lba % 63 + 1))
	[ $c -gt 1023 ] && { c=1023; h=254; s=63; }
	printf '\\x%02x\\x%02x\\x%02x' $h $(((s & 63) | ((c >> 2) & 192))) $((c & 255))
}
truncate -s $((TOTAL_SECTORS * 512)) "$DISK"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$DISK" bs=440 count=1 conv=notrunc status=none
# shellcheck disable=SC2059 # chs/le32 produce printf escapes on purpose
{
	printf 'NUAG\0\0'                                     # 0x1B8 disk signature, 0x1BC reserved
	printf '\x80'                                         # entry 1: active
	printf "$(chs $PART_START)"                           # CHS first
	printf '\x0e'                                         # type: FAT16 (LBA)
	printf "$(chs $((TOTAL_SECTORS - 1)))"                # CHS last
	printf "$(le32 $PART_START)$(le32 $PART_SECTORS)"     # LBA first, sectors
	head -c 48 /dev/zero                                  # entries 2-4 empty
	printf '\x55\xaa'
} | dd of="$DISK" bs=1 seek=440 conv=notrunc status=none
[ "$(od -An -tx1 -j510 -N2 "$DISK" | tr -d ' ')" = 55aa ] || die "MBR signature not written"
dd if="$PART" of="$DISK" bs=1M seek=1 conv=notrunc,sparse status=none

qemu-img convert -f raw -O qcow2 "$DISK" "$IMG_TMP"
mv -f "$IMG_TMP" "$IMG"
(cd "$OUT_DIR" && sha256sum nuage-tiny.qcow2 > "$SUM.$$" && mv -f "$SUM.$$" "$SUM")

T_END=$(date +%s.%N)
log "kernel $KVER, vmlinuz $(stat -c %s "$VMLINUZ") B, initrd $(stat -c %s "$TMP/initrd.img") B"
log "wrote $IMG ($(stat -c %s "$IMG") B) and $SUM"
log "$(awk -v a="$T0" -v b="$T_FETCH" -v c="$T_INITRD" -v d="$T_END" \
	'BEGIN { printf "time: %.1f s (packages %.1f s, initramfs %.1f s, disk %.1f s)", d - a, b - a, c - b, d - c }')"
