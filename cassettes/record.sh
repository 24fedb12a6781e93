#!/usr/bin/env bash
# Re-record the cassettes against the local stand-ins of arXiv and Zotero (offline).
#
#   bash cassettes/record.sh /path/to/shared
#
# SHARED holds tools/fake_arxiv.py, tools/fake_zotero.py, arxiv/records.json,
# arxiv/crowd.json and zotero/schema.json. Recorded requests are rewritten to name the
# real endpoints (export.arxiv.org, api.zotero.org), so the cassettes replay under the
# default configuration. To record against the real services instead, run
# `pytest --record-mode=rewrite` online with no PAPER2BIB_RECORD_* variable set.
set -euo pipefail
SHARED=${1:?usage: record.sh SHARED_DIR}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

python3 "$SHARED/tools/fake_arxiv.py" --corpus "$SHARED/arxiv/records.json" --corpus "$SHARED/arxiv/crowd.json" \
    --portfile "$tmp/arxiv.port" --log "$tmp/arxiv.log" &
python3 "$SHARED/tools/fake_zotero.py" --schema "$SHARED/zotero/schema.json" \
    --key "TESTKEYuser0000000000000:users/123456" --key "TESTKEYgroup000000000000:groups/4711" \
    --key "TESTKEYreadonly000000000:users/123456:ro" \
    --portfile "$tmp/zotero.port" --log "$tmp/zotero.log" &
for f in arxiv zotero; do
    for _ in $(seq 50); do [ -s "$tmp/$f.port" ] && break; sleep 0.1; done
done
export PAPER2BIB_RECORD_ARXIV_URL="http://127.0.0.1:$(cat "$tmp/arxiv.port")/api/query"
export PAPER2BIB_RECORD_ZOTERO_URL="http://127.0.0.1:$(cat "$tmp/zotero.port")"
rm -rf cassettes/test_*/
python3 -m pytest -q -p no:cacheprovider --record-mode=rewrite -k "not fuzz" "${@:2}"
echo "arXiv requests recorded: $(wc -l < "$tmp/arxiv.log"); Zotero requests: $(wc -l < "$tmp/zotero.log")"
