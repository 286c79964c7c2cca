using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Hosting;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Xml;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Handlers;

public sealed class BucketHandlers(IStorageBackend backend, S3ServerSettings settings)
{
    public async Task<S3Result> ListBucketsAsync(S3RequestContext ctx)
    {
        var buckets = await backend.ListBucketsAsync(ctx.Aborted).ConfigureAwait(false);
        return S3Result.Xml(S3Xml.Document("ListAllMyBucketsResult", w =>
        {
            w.Owner();
            w.WriteStartElement("Buckets");
            foreach (var b in buckets.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                w.WriteStartElement("Bucket");
                w.Element("Name", b.Name);
                w.Element("CreationDate", b.CreationDate);
                w.Element("BucketRegion", settings.Region);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }));
    }

    public async Task<S3Result> CreateBucketAsync(S3RequestContext ctx)
    {
        RequestChecks.Bucket(ctx.Bucket);
        var body = await RequestChecks.ReadSmallBodyAsync(ctx, 64 * 1024).ConfigureAwait(false);
        if (body.Length > 0)
        {
            var doc = S3Xml.Parse(body);
            if (doc.Name.LocalName != "CreateBucketConfiguration")
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var location = doc.ChildValue("LocationConstraint");
            if (!string.IsNullOrEmpty(location) && location != settings.Region)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, $"The {location} location constraint is incompatible for the region specific endpoint this request was sent to.")
                {
                    ExtraElements = [new("ArgumentName", "LocationConstraint"), new("ArgumentValue", location)],
                };
            }
        }

        await backend.CreateBucketAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false);
        return S3Result.Empty().Header("Location", "/" + ctx.Bucket);
    }

    public async Task<S3Result> HeadBucketAsync(S3RequestContext ctx)
    {
        await RequireBucketAsync(ctx).ConfigureAwait(false);
        return S3Result.Empty().Header("x-amz-bucket-region", settings.Region);
    }

    public async Task<S3Result> DeleteBucketAsync(S3RequestContext ctx)
    {
        await backend.DeleteBucketAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false);
        return S3Result.Empty(204);
    }

    public async Task<S3Result> GetBucketLocationAsync(S3RequestContext ctx)
    {
        await RequireBucketAsync(ctx).ConfigureAwait(false);

        // AWS answers us-east-1 with an empty constraint; clients map empty back to us-east-1
        var region = settings.Region == "us-east-1" ? null : settings.Region;
        return S3Result.Xml(S3Xml.Document("LocationConstraint", w =>
        {
            if (region is not null)
            {
                w.WriteString(region);
            }
        }));
    }

    public async Task<S3Result> GetBucketVersioningAsync(S3RequestContext ctx)
    {
        await RequireBucketAsync(ctx).ConfigureAwait(false);
        return S3Result.Xml(S3Xml.Document("VersioningConfiguration", _ => { }));
    }

    public async Task<S3Result> GetAclAsync(S3RequestContext ctx)
    {
        if (ctx.Route.Key is null)
        {
            await RequireBucketAsync(ctx).ConfigureAwait(false);
        }
        else if (await backend.GetObjectInfoAsync(ctx.Bucket, ctx.Key, ctx.Aborted).ConfigureAwait(false) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchKey) { ExtraElements = [new("Key", ctx.Key)] };
        }

        const string xsi = "http://www.w3.org/2001/XMLSchema-instance";
        return S3Result.Xml(S3Xml.Document("AccessControlPolicy", w =>
        {
            w.Owner();
            w.WriteStartElement("AccessControlList");
            w.WriteStartElement("Grant");
            w.WriteStartElement("Grantee");
            w.WriteAttributeString("xmlns", "xsi", null, xsi);
            w.WriteAttributeString("xsi", "type", xsi, "CanonicalUser");
            w.Element("ID", S3Owner.Id);
            w.Element("DisplayName", S3Owner.DisplayName);
            w.WriteEndElement();
            w.Element("Permission", "FULL_CONTROL");
            w.WriteEndElement();
            w.WriteEndElement();
        }));
    }

    /// <summary>
    /// Every bucket and object belongs to the owner alone, so the only ACL that can be set is that one: tools that set
    /// "private" explicitly (s3cmd setacl --acl-private, Terraform, SDK callers) succeed; a grant to anyone else would be
    /// a silent lie, so it is NotImplemented.
    /// </summary>
    public async Task<S3Result> PutAclAsync(S3RequestContext ctx)
    {
        if (ctx.Route.Key is null)
        {
            await RequireBucketAsync(ctx).ConfigureAwait(false);
        }
        else if (await backend.GetObjectInfoAsync(ctx.Bucket, ctx.Key, ctx.Aborted).ConfigureAwait(false) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchKey) { ExtraElements = [new("Key", ctx.Key)] };
        }

        var body = await RequestChecks.ReadSmallBodyAsync(ctx, 64 * 1024).ConfigureAwait(false);
        var canned = ctx.Header("x-amz-acl");
        var explicitGrants = ctx.Request.Headers.Keys.Any(h => h.StartsWith("x-amz-grant-", StringComparison.OrdinalIgnoreCase));
        bool ownerOnly;
        if (canned is not null || explicitGrants)
        {
            ownerOnly = canned == "private" && !explicitGrants && body.Length == 0;
        }
        else if (body.Length > 0)
        {
            var doc = S3Xml.Parse(body);
            if (doc.Name.LocalName != "AccessControlPolicy")
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var grants = doc.Descendants().Where(e => e.Name.LocalName == "Grant").ToList();
            ownerOnly = grants.Count > 0 && grants.All(g =>
                g.Descendants().FirstOrDefault(e => e.Name.LocalName == "ID")?.Value == S3Owner.Id
                && g.Elements().FirstOrDefault(e => e.Name.LocalName == "Permission")?.Value == "FULL_CONTROL");
        }
        else
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return ownerOnly
            ? S3Result.Empty()
            : throw new S3Exception(S3ErrorCode.NotImplemented, "Only the private ACL (the owner alone, FULL_CONTROL) is supported.");
    }

    public async Task<S3Result> GetObjectTaggingAsync(S3RequestContext ctx)
    {
        if (await backend.GetObjectInfoAsync(ctx.Bucket, ctx.Key, ctx.Aborted).ConfigureAwait(false) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchKey) { ExtraElements = [new("Key", ctx.Key)] };
        }

        return S3Result.Xml(S3Xml.Document("Tagging", w =>
        {
            w.WriteStartElement("TagSet");
            w.WriteEndElement();
        }));
    }

    public async Task<S3Result> GetUnsetConfigurationAsync(S3RequestContext ctx)
    {
        await RequireBucketAsync(ctx).ConfigureAwait(false);
        var code = ctx.Route.Detail switch
        {
            "cors" => S3ErrorCode.NoSuchCORSConfiguration,
            "lifecycle" => S3ErrorCode.NoSuchLifecycleConfiguration,
            "object-lock" => S3ErrorCode.ObjectLockConfigurationNotFoundError,
            "policy" => S3ErrorCode.NoSuchBucketPolicy,
            "replication" => S3ErrorCode.ReplicationConfigurationNotFoundError,
            "tagging" => S3ErrorCode.NoSuchTagSet,
            "website" => S3ErrorCode.NoSuchWebsiteConfiguration,
            _ => S3ErrorCode.NotImplemented,
        };
        throw new S3Exception(code) { ExtraElements = [new("BucketName", ctx.Bucket)] };
    }

    private async Task RequireBucketAsync(S3RequestContext ctx)
    {
        if (await backend.GetBucketAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchBucket) { ExtraElements = [new("BucketName", ctx.Bucket)] };
        }
    }
}
