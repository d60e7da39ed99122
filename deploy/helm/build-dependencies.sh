#!/usr/bin/env bash
# Vendors the chart dependencies, offline (they are all file:// references):
# tollgate-common into each application chart, then the six charts into the umbrella.
# Run after changing any chart, before `helm template`, `helm lint` or `helm install`:
#
#   deploy/helm/build-dependencies.sh [CHARTS_DIR]     # HELM=/path/to/helm to pick a binary
set -euo pipefail
dir=${1:-$(dirname "$0")}
helm=${HELM:-helm}
for chart in gateway identity token budget provider-key audit tollgate; do
  "$helm" dependency build "$dir/$chart" >/dev/null
done
