#!/usr/bin/env bash
# Starts a throw-away Ceph cluster for the gateway tests: one monitor, one OSD on memstore,
# auth none, and radosgw's beast frontend on 127.0.0.1:RGW_PORT. Everything (config, state,
# logs, pid files) lives in STATE_DIR; stop-rgw.sh STATE_DIR stops it. Loopback only.
#
#   start-rgw.sh STATE_DIR RGW_PORT MON_PORT ACCESS_KEY SECRET_KEY
#
# Prints "ready http://127.0.0.1:RGW_PORT" once radosgw accepts connections (the S3 user ACCESS_KEY exists by then).
# Needs the Debian packages ceph-mon, ceph-osd and radosgw (16.2 on bookworm).
set -euo pipefail

if [[ $# -ne 5 ]]; then
    echo "usage: $0 STATE_DIR RGW_PORT MON_PORT ACCESS_KEY SECRET_KEY" >&2
    exit 2
fi
dir=$(realpath -m "$1")
rgw_port=$2
mon_port=$3
access_key=$4
secret_key=$5
for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install ceph-mon ceph-osd radosgw)" >&2; exit 3; }
done

mkdir -p "$dir"/{mon,osd,run,log,rgw,tmp}
conf=$dir/ceph.conf
fsid=$(cat /proc/sys/kernel/random/uuid)
osd_uuid=$(cat /proc/sys/kernel/random/uuid)

cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
# without cephx there is no secure mode; radosgw otherwise insists on it for the monitor
ms mon client mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
crash dir = $dir/tmp
exec dir = $dir/tmp
mon data = $dir/mon/\$name
osd data = $dir/osd/\$name
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon osd full ratio = 0.99
mon osd nearfull ratio = 0.99
osd failsafe full ratio = 0.995
debug ms = 0
log to stderr = false
err to stderr = true

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
rgw dns name = 127.0.0.1
rgw enable usage log = false
rgw thread pool size = 64
rgw enable lc threads = false
rgw dynamic resharding = false
CONF

started=$(date +%s%N)
monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" </dev/null >"$dir/log/mkfs-mon.err" 2>&1
ceph-mon -c "$conf" -i a </dev/null >>"$dir/log/start-mon.err" 2>&1

ceph_cmd() { timeout 60 ceph -c "$conf" --connect-timeout 30 "$@"; }
osd_id=$(ceph_cmd osd new "$osd_uuid")
mkdir -p "$dir/osd/osd.$osd_id"
ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" 2>"$dir/log/mkfs-osd.err" >/dev/null
ceph-osd -c "$conf" -i "$osd_id" </dev/null >>"$dir/log/start-osd.err" 2>&1

# radosgw creates its pools on first start; the user is created once the OSD is up.
radosgw -c "$conf" -n client.rgw </dev/null >>"$dir/log/start-rgw.err" 2>&1
radosgw-admin -c "$conf" user create --uid=gateway-test --display-name="gateway test" \
    --access-key="$access_key" --secret-key="$secret_key" >/dev/null 2>"$dir/log/user-create.err"

# beast opens its port once radosgw can serve; bash's /dev/tcp spares a curl dependency.
deadline=$(( $(date +%s) + 120 ))
until (exec 3<>"/dev/tcp/127.0.0.1/$rgw_port") 2>/dev/null; do
    if (( $(date +%s) > deadline )); then
        echo "radosgw did not answer on 127.0.0.1:$rgw_port (logs in $dir/log)" >&2
        exit 4
    fi
    sleep 0.2
done
echo "$(( ($(date +%s%N) - started) / 1000000 ))" >"$dir/startup-ms"
echo "ready http://127.0.0.1:$rgw_port"
