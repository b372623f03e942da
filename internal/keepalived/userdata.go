package keepalived

import (
	"strconv"
	"strings"
)

// heredocBase is the here-document delimiter; renderUserData appends a
// counter in the (practically impossible) case that the config contains it.
const heredocBase = "HAVIP_KEEPALIVED_CONF"

// heredocDelimiter returns a delimiter that does not occur anywhere in conf,
// so no line of the config can end the here-document early.
func heredocDelimiter(conf string) string {
	d := heredocBase
	for i := 1; strings.Contains(conf, d); i++ {
		d = heredocBase + "_" + strconv.Itoa(i)
	}
	return d
}

// renderUserData builds the boot script. It is plain POSIX sh because
// Debian's /bin/sh is dash, and it refuses to start keepalived on any
// `keepalived -t` output: keepalived "fixes" many mistakes with only a
// warning, and a silently fixed HA config is the one that fails at 3 a.m.
func renderUserData(d Cluster, n Node, conf string) string {
	delim := heredocDelimiter(conf)
	var b strings.Builder
	b.WriteString(`#!/bin/sh
# Boot script for node ` + n.Name + ` of HaVip cluster ` + d.Name + `, rendered by terraform-provider-havip.
# Installs keepalived, writes its config and starts it only if "keepalived -t" accepts
# the config without printing anything.
set -eu

# cloud-init may run this with a minimal PATH, and keepalived lives in sbin.
PATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"
export PATH

conf_dir=/etc/keepalived
conf="$conf_dir/keepalived.conf"
new="$conf.havip-new"

if command -v dnf >/dev/null 2>&1; then
    dnf install -y keepalived
elif command -v yum >/dev/null 2>&1; then
    yum install -y keepalived
elif command -v apt-get >/dev/null 2>&1; then
    # Noninteractive so a debconf prompt cannot hang the boot.
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y keepalived
else
    echo "havip: found no dnf, yum or apt-get; cannot install keepalived" >&2
    exit 1
fi

# The config may hold the VRRP password: readable by root and its group only.
umask 027
mkdir -p "$conf_dir"
# The delimiter is quoted, so the shell expands nothing and the file is
# byte-for-byte what was rendered.
cat > "$new" <<'` + delim + `'
`)
	b.WriteString(conf)
	b.WriteString(delim + `
chmod 0640 "$new"

# Test the new file before it replaces anything. A good config prints nothing;
# any output means keepalived would change or drop part of it, even when the
# exit status is 0.
rc=0
out=$(keepalived -t -f "$new" 2>&1) || rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
    echo "havip: keepalived -t rejected $new (exit $rc); keepalived was not started:" >&2
    printf '%s\n' "$out" >&2
    exit 1
fi
mv -f "$new" "$conf"

systemctl enable keepalived
# restart rather than start: a keepalived already running must load the new file.
systemctl restart keepalived
`)
	return b.String()
}
