namespace StorageOperator.Crypto.Dare;

/// <summary>The slice of one part (its own DARE stream) needed for a plaintext range of a multipart object.</summary>
/// <param name="PartIndex">zero-based index into the part list given to the mapper.</param>
/// <param name="Range">the slice within that part's stream.</param>
public readonly record struct DarePartRange(int PartIndex, DareRange Range);
