namespace StorageOperator.S3Server.Protocol;

/// <summary>The kinds of condition a POST policy can state.</summary>
public enum PostPolicyMatch
{
    Equals,
    StartsWith,
    ContentLengthRange,
}

/// <summary>
/// One condition of a POST policy. <see cref="Field"/> is lower-case without the '$' (form field names are
/// case-insensitive); <see cref="Text"/> is the condition as AWS quotes it in "Policy Condition failed" messages.
/// </summary>
public sealed record PostPolicyCondition(PostPolicyMatch Match, string Field, string Value, long Min, long Max, string Text);
