using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace StorageOperator.Tls;

/// <summary>PEM import/export of certificates and private keys, with atomic writes.</summary>
public static class PemFiles
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaPublicKeyOid = "1.2.840.113549.1.1.1";

    public static string ExportCertificate(X509Certificate2 cert)
    {
        ArgumentNullException.ThrowIfNull(cert);
        return cert.ExportCertificatePem() + "\n";
    }

    public static string ExportPrivateKey(X509Certificate2 certWithKey)
    {
        ArgumentNullException.ThrowIfNull(certWithKey);
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certWithKey.GetECDsaPrivateKey()
            ?? certWithKey.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA or RSA private key.", nameof(certWithKey));
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>
    /// Writes the certificate (followed by <paramref name="chain"/>) and its PKCS#8 key. Each file is replaced
    /// atomically, so a reader sees the old or the new content, never a torn file; the key file is created 0600.
    /// </summary>
    public static void WriteCertificateAndKey(
        X509Certificate2 cert, string certPath, string keyPath, IEnumerable<X509Certificate2>? chain = null)
    {
        ArgumentNullException.ThrowIfNull(cert);
        var pem = new StringBuilder(ExportCertificate(cert));
        foreach (var extra in chain ?? [])
        {
            pem.Append(ExportCertificate(extra));
        }

        var keyPem = ExportPrivateKey(cert);
        WriteAtomically(keyPath, keyPem, secret: true);
        WriteAtomically(certPath, pem.ToString(), secret: false);
    }

    /// <summary>Loads a PEM certificate file (leaf first, chain after) and its private key.</summary>
    public static X509Certificate2 LoadCertificateWithKey(string certPath, string keyPath) =>
        LoadCertificateWithKey(certPath, keyPath, out _);

    /// <summary>As <see cref="LoadCertificateWithKey(string, string)"/>, also returning the certificates after the leaf.</summary>
    public static X509Certificate2 LoadCertificateWithKey(string certPath, string keyPath, out X509Certificate2Collection chain) =>
        ParseCertificateWithKey(File.ReadAllText(certPath), File.ReadAllText(keyPath), out chain);

    /// <summary>Pure parsing of a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC).</summary>
    public static X509Certificate2 ParseCertificateWithKey(string certificatePem, string keyPem, out X509Certificate2Collection chain)
    {
        var certs = ParseCertificates(certificatePem);
        if (certs.Count == 0)
        {
            throw new CryptographicException("The certificate file holds no PEM certificate.");
        }

        using var leaf = certs[0];
        chain = [];
        for (var i = 1; i < certs.Count; i++)
        {
            chain.Add(certs[i]);
        }

        // CopyWithPrivateKey rejects a key that does not belong to the certificate, which is how a pair that is
        // half-way through being replaced is recognised.
        var algorithm = leaf.GetKeyAlgorithm();
        try
        {
            using var withKey = algorithm switch
            {
                EcPublicKeyOid => CopyWithKey(leaf, ImportKey(ECDsa.Create(), keyPem)),
                RsaPublicKeyOid => CopyWithKey(leaf, ImportKey(RSA.Create(), keyPem)),
                _ => throw new CryptographicException($"Unsupported certificate key algorithm {algorithm}."),
            };
            return CertificateGenerator.Portable(withKey);
        }
        catch (ArgumentException e)
        {
            // ImportFromPem and CopyWithPrivateKey report bad input as ArgumentException; callers want one failure type.
            throw new CryptographicException($"The private key cannot be used with the certificate: {e.Message}", e);
        }
    }

    /// <summary>All PEM certificates in a file, or in every top-level file of a directory (others are skipped).</summary>
    public static X509Certificate2Collection LoadCertificates(string pathFileOrDirectory)
    {
        var result = new X509Certificate2Collection();
        if (Directory.Exists(pathFileOrDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(pathFileOrDirectory).Order(StringComparer.Ordinal))
            {
                try
                {
                    AddDistinct(result, ParseCertificates(File.ReadAllText(file)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
                {
                    // A stray non-certificate file in CAs/ must not take the whole trust store down.
                }
            }
        }
        else
        {
            AddDistinct(result, ParseCertificates(File.ReadAllText(pathFileOrDirectory)));
        }

        return result;
    }

    /// <summary>All CERTIFICATE blocks in PEM text, in order; other PEM blocks are ignored.</summary>
    public static X509Certificate2Collection ParseCertificates(string pem)
    {
        var result = new X509Certificate2Collection();
        var rest = pem.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label];
            if (label.SequenceEqual("CERTIFICATE"))
            {
                var der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
                result.Add(X509CertificateLoader.LoadCertificate(der));
            }

            rest = rest[fields.Location.End.GetOffset(rest.Length)..];
        }

        return result;
    }

    private static X509Certificate2 CopyWithKey(X509Certificate2 leaf, ECDsa key)
    {
        using (key)
        {
            return leaf.CopyWithPrivateKey(key);
        }
    }

    private static X509Certificate2 CopyWithKey(X509Certificate2 leaf, RSA key)
    {
        using (key)
        {
            return leaf.CopyWithPrivateKey(key);
        }
    }

    private static T ImportKey<T>(T key, string pem) where T : AsymmetricAlgorithm
    {
        try
        {
            key.ImportFromPem(pem);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static void AddDistinct(X509Certificate2Collection target, X509Certificate2Collection source)
    {
        foreach (var cert in source)
        {
            if (!target.Cast<X509Certificate2>().Any(c => c.RawDataMemory.Span.SequenceEqual(cert.RawDataMemory.Span)))
            {
                target.Add(cert);
            }
        }
    }

    internal static void WriteAtomically(string path, string content, bool secret)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
