using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Where sealed keys are stored: exactly one of fs or memory.")]
[ValidationRule("has(self.fs) != has(self.memory)", "exactly one of fs or memory must be set")]
public sealed class KeystoreSpec
{
    [Description("Sealed keys on a PersistentVolumeClaim per replica.")]
    public FsKeystore? Fs { get; set; }

    [Description("Keys in memory only; lost on restart. For tests.")]
    public MemoryKeystore? Memory { get; set; }
}
