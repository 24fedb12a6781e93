#!/usr/bin/env bash
# Re-record the cassettes against the local stand-ins of arXiv and Zotero (offline).
#
#   bash cassettes/record.sh /path/to/shared
#   MODULES=test_zotero bash cassettes/record.sh /path/to/shared   # just one module
#
# SHARED holds tools/fake_arxiv.py, tools/fake_zotero.py, tools/fake_hf.py, hf/papers.json, arxiv/records.json,
# arxiv/crowd.json and zotero/schema.json. Recorded requests are rewritten to name the
# real endpoints (export.arxiv.org, api.zotero.org, huggingface.co), so the cassettes replay under the
# default configuration. To record against the real services instead, run
# `pytest --record-mode=rewrite` online with no PAPER2BIB_RECORD_* variable set.
set -euo pipefail
SHARED=${1:?usage: record.sh SHARED_DIR}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

python3 "$SHARED/tools/fake_arxiv.py" --corpus "$SHARED/arxiv/records.json" --corpus "$SHARED/arxiv/crowd.json" \
    --corpus tests/data/reading-list/records.json --corpus tests/data/reading-list/crowd.json \
    --corpus tests/data/revisions/records.json \
    --portfile "$tmp/arxiv.port" --log "$tmp/arxiv.log" &
python3 "$SHARED/tools/fake_zotero.py" --schema "$SHARED/zotero/schema.json" \
    --key "P2Btestkeyuser1001xxxxxx:users/1001" --key "P2Btestkeyuser1002xxxxxx:users/1002" \
    --key "P2Btestkeyuser1003xxxxxx:users/1003" --key "P2Btestkeyuser1004xxxxxx:users/1004" \
    --key "P2Btestkeyuser1005xxxxxx:users/1005" --key "P2Btestkeyuser1006xxxxxx:users/1006" \
    --key "P2Btestkeyuser1008xxxxxx:users/1008" --key "P2Btestkeyuser1010xxxxxx:users/1010" --key "P2Btestkeyuser1011xxxxxx:users/1011" --key "P2Btestkeyuser1012xxxxxx:users/1012" --key "P2Btestkeygroup4711xxxxx:groups/4711" --key "P2Btestkeygroup4712xxxxx:groups/4712" --key "P2Btestkeyreadonly1007xx:users/1007:ro" \
    --portfile "$tmp/zotero.port" --log "$tmp/zotero.log" &
python3 "$SHARED/tools/fake_hf.py" --data "$SHARED/hf/papers.json" --today 2026-01-01 \
    --portfile "$tmp/hf.port" --log "$tmp/hf.log" &
python3 "$SHARED/tools/fake_s2.py" --data "$SHARED/scholar/s2-papers.json" --portfile "$tmp/s2.port" --log "$tmp/s2.log" &
python3 "$SHARED/tools/fake_dblp.py" --data "$SHARED/scholar/dblp-records.json" --data "$SHARED/scholar/dblp-crowd.json" \
    --portfile "$tmp/dblp.port" --log "$tmp/dblp.log" &
for f in arxiv zotero hf s2 dblp; do
    for _ in $(seq 50); do [ -s "$tmp/$f.port" ] && break; sleep 0.1; done
done
export PAPER2BIB_RECORD_ARXIV_URL="http://127.0.0.1:$(cat "$tmp/arxiv.port")/api/query"
export PAPER2BIB_RECORD_ZOTERO_URL="http://127.0.0.1:$(cat "$tmp/zotero.port")"
export PAPER2BIB_RECORD_HF_URL="http://127.0.0.1:$(cat "$tmp/hf.port")"
export PAPER2BIB_RECORD_S2_URL="http://127.0.0.1:$(cat "$tmp/s2.port")"
export PAPER2BIB_RECORD_DBLP_URL="http://127.0.0.1:$(cat "$tmp/dblp.port")"
# MODULES picks what to re-record; the seed resolution goes first, since other tests
# build their library from its cassette.
for module in ${MODULES:-test_resolve_seed test_reading_list test_zotero test_cli_walkthrough test_hub test_published test_revisions test_published_only}; do
    rm -rf "cassettes/$module"
    python3 -m pytest -q -p no:cacheprovider -n 0 --record-mode=rewrite "tests/$module.py"
done
echo "arXiv requests recorded: $(wc -l < "$tmp/arxiv.log"); Zotero requests: $(wc -l < "$tmp/zotero.log"); Hub requests: $(wc -l < "$tmp/hf.log")"
