# syntax=docker/dockerfile:1
# key-server: multi-stage build; the runtime image is Ubuntu chiseled (no shell, no package manager) and runs as non-root.
# Build from the repository root: docker build -f images/key-server.Dockerfile -t key-server:dev .
FROM mcr.microsoft.com/dotnet/sdk:10.0.100-noble AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY server/ server/
COPY operator/ operator/
RUN dotnet publish server/StorageOperator.KeyServer -c Release -o /out --no-self-contained -p:UseAppHost=false \
    && rm -f /out/*.pdb

FROM mcr.microsoft.com/dotnet/aspnet:10.0.0-noble-chiseled
WORKDIR /app
COPY --from=build /out/ ./
# 1654 is the chiseled image's non-root "app" user.
USER 1654:1654
ENV DOTNET_gcServer=0 DOTNET_GCHeapHardLimitPercent=0x4B
EXPOSE 7373
ENTRYPOINT ["dotnet", "/app/key-server.dll"]
