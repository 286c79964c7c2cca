using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StorageOperator.Tls;

/// <summary>
/// A MinIO-style certs folder: public.crt/private.key (default), CAs/ (extra trusted roots) and one
/// public.crt/private.key pair per subdirectory (matched by the certificate's names, not the directory name).
/// Reloads on file events and by polling content hashes (Kubernetes swaps a <c>..data</c> symlink, which
/// watchers miss). A pair that fails to load never replaces the last good one.
/// </summary>
public sealed class CertificateFolder : IDisposable
{
    private static readonly TimeSpan DebounceDelay = TimeSpan.FromMilliseconds(250);

    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private readonly Timer _pollTimer;
    private readonly Timer _debounceTimer;
    private FileSystemWatcher? _watcher;
    private State _state = State.Empty;
    private string? _lastFingerprint;
    private bool _disposed;

    public CertificateFolder(string path, ILogger? logger = null, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger ?? NullLogger.Instance;
        var interval = pollInterval ?? TimeSpan.FromSeconds(10);
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), "The poll interval must be positive.");
        }

        LoadIfChanged(force: true);
        _debounceTimer = new Timer(_ => OnTimer(), null, Timeout.Infinite, Timeout.Infinite);
        _pollTimer = new Timer(_ => OnTimer(), null, interval, interval);
        StartWatcher();
    }

    public string Path { get; }

    /// <summary>MinIO turns TLS on exactly when both default files exist.</summary>
    public bool HasServerCertificate =>
        File.Exists(System.IO.Path.Combine(Path, FolderSnapshot.CertificateFileName))
        && File.Exists(System.IO.Path.Combine(Path, FolderSnapshot.KeyFileName));

    /// <summary>The loaded default (top-level) certificate, if any.</summary>
    public CertificateEntry? Default => Volatile.Read(ref _state).Default;

    /// <summary>The default certificate followed by the per-domain ones, in load order.</summary>
    public IReadOnlyList<CertificateEntry> Certificates => Volatile.Read(ref _state).All;

    /// <summary>Contents of CAs/ (a fresh collection per call).</summary>
    public X509Certificate2Collection TrustedAuthorities => [.. Volatile.Read(ref _state).Authorities];

    /// <summary>Raised after a reload that changed the loaded certificates or authorities.</summary>
    public event Action? Reloaded;

    public X509Certificate2? SelectCertificate(string? sniHostName) => SelectEntry(sniHostName)?.Certificate;

    /// <summary>As <see cref="SelectCertificate"/>, with the prepared chain context for SslStream.</summary>
    public SslStreamCertificateContext? SelectCertificateContext(string? sniHostName) => SelectEntry(sniHostName)?.Context;

    public CertificateEntry? SelectEntry(string? sniHostName)
    {
        var state = Volatile.Read(ref _state);
        if (string.IsNullOrEmpty(sniHostName))
        {
            return state.Default ?? state.All.FirstOrDefault();
        }

        if (state.All.Count == 1)
        {
            return state.All[0];
        }

        // MinIO fails the handshake when nothing matches; serving an unrelated certificate would only move the error.
        return state.All.FirstOrDefault(e => e.Matches(sniHostName));
    }

    /// <summary>Re-reads the folder now, even if nothing seems to have changed.</summary>
    public void Reload() => LoadIfChanged(force: true);

    /// <summary>Reloads on SIGHUP, as MinIO does. Dispose the result to stop listening.</summary>
    public IDisposable ReloadOnSighup() =>
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            SafeLoad(force: true);
        });

    public void Dispose()
    {
        lock (_reloadLock)
        {
            _disposed = true;
        }

        _pollTimer.Dispose();
        _debounceTimer.Dispose();
        _watcher?.Dispose();
    }

    private void StartWatcher()
    {
        if (!Directory.Exists(Path))
        {
            return;
        }

        try
        {
            var watcher = new FileSystemWatcher(Path)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                    | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            watcher.Error += (_, e) => _logger.LogDebug(e.GetException(), "Certificate folder watcher failed; relying on polling");
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // inotify limits are per user and easily exhausted; polling still picks up every change.
            _logger.LogWarning(e, "Cannot watch certificate folder {Path}; relying on polling", Path);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        try
        {
            _debounceTimer.Change(DebounceDelay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void OnTimer() => SafeLoad(force: false);

    private void SafeLoad(bool force)
    {
        try
        {
            LoadIfChanged(force);
        }
        catch (Exception e)
        {
            // Timer callbacks must not throw: an unhandled exception would end the process.
            _logger.LogError(e, "Reloading certificate folder {Path} failed", Path);
        }
    }

    private void LoadIfChanged(bool force)
    {
        lock (_reloadLock)
        {
            if (_disposed)
            {
                return;
            }

            var snapshot = FolderSnapshot.Read(Path);
            if (!force && snapshot.Fingerprint == _lastFingerprint)
            {
                return;
            }

            _lastFingerprint = snapshot.Fingerprint;
            var previous = Volatile.Read(ref _state);
            var next = Load(snapshot, previous);
            Volatile.Write(ref _state, next);
            if (!next.SameAs(previous))
            {
                _logger.LogInformation("Loaded {Count} certificate(s) and {Authorities} CA(s) from {Path}", next.All.Count, next.Authorities.Count, Path);
                Reloaded?.Invoke();
            }
        }
    }

    private State Load(FolderSnapshot snapshot, State previous)
    {
        var defaultEntry = LoadPair(snapshot.DefaultPair, previous.Default, isDefault: true);
        var extras = new List<CertificateEntry>();
        foreach (var pair in snapshot.ExtraPairs)
        {
            var old = previous.Extras.FirstOrDefault(e => e.Directory == pair.Directory);
            if (LoadPair(pair, old, isDefault: false) is { } entry)
            {
                extras.Add(entry);
            }
        }

        var authorities = new X509Certificate2Collection();
        foreach (var (file, content) in snapshot.Authorities)
        {
            try
            {
                foreach (var cert in PemFiles.ParseCertificates(Encoding.ASCII.GetString(content)))
                {
                    authorities.Add(cert);
                }
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                _logger.LogWarning("Ignoring {File}: not a PEM certificate file ({Error})", file, e.Message);
            }
        }

        return new State(defaultEntry, extras, authorities);
    }

    private CertificateEntry? LoadPair(FolderSnapshot.PairFiles pair, CertificateEntry? previous, bool isDefault)
    {
        if (pair.Absent)
        {
            return null;
        }

        if (!pair.Complete)
        {
            if (previous is not null)
            {
                _logger.LogWarning("Certificate pair in {Directory} is incomplete; keeping the previous certificate", pair.Directory);
            }

            return previous;
        }

        CertificateEntry entry;
        try
        {
            var cert = PemFiles.ParseCertificateWithKey(
                Encoding.ASCII.GetString(pair.Certificate!), Encoding.ASCII.GetString(pair.Key!), out var chain);
            entry = new CertificateEntry(pair.Directory, cert, chain);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            // A pair caught half-way through a replace looks exactly like this; the next change retries.
            _logger.LogWarning(
                "Cannot load certificate pair in {Directory} ({Error}); {Action}",
                pair.Directory,
                e.Message,
                previous is null ? "skipping it" : "keeping the previous certificate");
            return previous;
        }

        if (!isDefault && entry.IpAddresses.Count > 0)
        {
            _logger.LogError(
                "Certificate in {Directory} has IP address SANs; only the default certificate may contain IP addresses. Ignoring it",
                pair.Directory);
            return null;
        }

        // Keep the previous instance when nothing changed so that identity-based caches downstream stay valid.
        return previous is not null && SameCertificates([previous.Certificate, .. previous.Chain], [entry.Certificate, .. entry.Chain])
            ? previous
            : entry;
    }

    private static bool SameCertificates(IReadOnlyList<X509Certificate2> a, IReadOnlyList<X509Certificate2> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.RawDataMemory.Span.SequenceEqual(p.Second.RawDataMemory.Span));

    private sealed class State(CertificateEntry? defaultEntry, IReadOnlyList<CertificateEntry> extras, X509Certificate2Collection authorities)
    {
        public static readonly State Empty = new(null, [], []);

        public CertificateEntry? Default { get; } = defaultEntry;

        public IReadOnlyList<CertificateEntry> Extras { get; } = extras;

        public IReadOnlyList<CertificateEntry> All { get; } = defaultEntry is null ? extras : [defaultEntry, .. extras];

        public X509Certificate2Collection Authorities { get; } = authorities;

        public bool SameAs(State other) =>
            All.Count == other.All.Count
            && All.Zip(other.All).All(p => ReferenceEquals(p.First, p.Second))
            && SameCertificates([.. Authorities], [.. other.Authorities]);
    }
}
