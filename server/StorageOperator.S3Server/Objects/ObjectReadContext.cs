using Microsoft.AspNetCore.Http;

namespace StorageOperator.S3Server.Objects;

/// <param name="RequestHeaders">for SSE-C the key comes from these (copy-source headers for copy sources).</param>
/// <param name="IsCopySource">true when reading the source of a copy.</param>
public sealed record ObjectReadContext(IHeaderDictionary RequestHeaders, bool IsCopySource = false);
