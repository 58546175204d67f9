#!/usr/bin/env bash
# Checks that rustdoc's search finds promenade's form of every Python client name a
# newcomer types (the `#[doc(alias = "…")]`s): each name must be an alias in the search
# index of `cargo doc -p promenade --all-features --no-deps`, which this script builds.
#
# Usage: scripts/doc-aliases.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Names whose promenade form has another name. (Names that are the same in both — Counter,
# Histogram, Enum, get_sample_value, disable_created_metrics — need no alias.)
# Not listed: `set_function` (on `CallbackGauge`) and `restricted_registry` (on
# `registry::NameFilter`): both items are defined in private modules and re-exported, and
# rustdoc (1.95) leaves the aliases of such items out of its search index.
names=(
    CollectorRegistry
    count_exceptions track_inprogress
    start_http_server make_wsgi_app make_asgi_app
    push_to_gateway pushadd_to_gateway delete_from_gateway instance_ip_grouping_key
    write_to_textfile
    generate_latest CONTENT_TYPE_LATEST text_string_to_metric_families
    CounterMetricFamily GaugeMetricFamily SummaryMetricFamily HistogramMetricFamily
    InfoMetricFamily StateSetMetricFamily GaugeHistogramMetricFamily UnknownMetricFamily
    prometheus_client
)

target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
cargo doc -p promenade --all-features --no-deps --quiet
index="$target_dir/doc/search.index"
[ -d "$index" ] || index="$target_dir/doc/search-index.js"

missing=()
for name in "${names[@]}"; do
    # rustdoc stores names and aliases lower-cased, packed in its own encoding: look for
    # the name as a substring (none of these is a substring of a promenade item's name,
    # which is why `REGISTRY`, an alias of `default_registry`, is not in the list).
    lower="$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')"
    if ! grep -rqiF -e "$lower" "$index"; then
        missing+=("$name")
    fi
done
if [ "${#missing[@]}" -ne 0 ]; then
    echo "FAIL: rustdoc search does not find these Python names: ${missing[*]}" >&2
    echo "      (add #[doc(alias = \"…\")] on promenade's form of each)" >&2
    exit 1
fi
echo "PASS: rustdoc search finds all ${#names[@]} Python names"
