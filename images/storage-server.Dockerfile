# syntax=docker/dockerfile:1
# storage-server: multi-stage build. The runtime image is Ubuntu chiseled: no shell, no package manager, so the
# final stage has no RUN; it runs as the image's non-root "app" user (1654).
# Build from the repository root: docker build -f images/storage-server.Dockerfile -t storage-server:dev .   (or: make images)
FROM mcr.microsoft.com/dotnet/sdk:10.0.100-noble AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
# Only the projects server/StorageOperator.S3Server references (a test in tests/StorageOperator.E2E.Tests checks the closure).
COPY server/ server/
# ReadyToRun: precompiled code, so a fresh pod does not spend its first seconds in the JIT (the build stage runs
# on the target platform, hence --use-current-runtime picks the right architecture).
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish server/StorageOperator.S3Server -c Release -o /out --no-self-contained -p:UseAppHost=false \
    --use-current-runtime -p:PublishReadyToRun=true \
    && rm -f /out/*.pdb

FROM mcr.microsoft.com/dotnet/aspnet:10.0.0-noble-chiseled
WORKDIR /app
COPY --from=build /out/ ./
USER 1654:1654
# Workstation GC and a heap limit below the container's memory limit.
ENV DOTNET_gcServer=0 DOTNET_GCHeapHardLimitPercent=0x4B
# the S3 API (HTTPS)
EXPOSE 9000
ENTRYPOINT ["dotnet", "/app/storage-server.dll"]
