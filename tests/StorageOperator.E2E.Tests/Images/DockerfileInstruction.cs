namespace StorageOperator.E2E.Tests.Images;

/// <summary>One instruction with its continuation lines joined; <see cref="Line"/> is where it starts (1-based).</summary>
public sealed record DockerfileInstruction(string Keyword, string Arguments, int Line);
