using k8s.Models;

namespace StorageOperator.Operator.Resources;

/// <summary>The "restricted" Pod Security Standard: non-root, no privilege escalation, no capabilities, read-only root.</summary>
public static class PodSecurity
{
    public const long User = 65532;

    public static V1PodSecurityContext Pod() => new()
    {
        RunAsNonRoot = true,
        RunAsUser = User,
        RunAsGroup = User,
        FsGroup = User,
        FsGroupChangePolicy = "OnRootMismatch",
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    public static V1SecurityContext Container() => new()
    {
        RunAsNonRoot = true,
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };
}
