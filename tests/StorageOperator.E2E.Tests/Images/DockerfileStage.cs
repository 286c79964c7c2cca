namespace StorageOperator.E2E.Tests.Images;

/// <summary>A build stage: its FROM image, optional alias and the instructions after FROM.</summary>
public sealed record DockerfileStage(string BaseImage, string? Alias, IReadOnlyList<DockerfileInstruction> Instructions)
{
    public IEnumerable<DockerfileInstruction> All(string keyword) =>
        Instructions.Where(i => string.Equals(i.Keyword, keyword, StringComparison.OrdinalIgnoreCase));

    public DockerfileInstruction? Last(string keyword) => All(keyword).LastOrDefault();
}
