namespace StorageOperator.KeyServer.Keys;

/// <summary>KES's rule for key and policy names (<c>auth.go</c> <c>validName</c>).</summary>
public static class KeyName
{
    public const int MaxLength = 80;

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name == "_")
        {
            return false;
        }

        if (name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            var ok = c is (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_' or '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The exact KES error text; clients compare it.</summary>
    public static string InvalidMessage(string name) =>
        $"key name '{name}' is empty, too long or contains invalid characters";
}
