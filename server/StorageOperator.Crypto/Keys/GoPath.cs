using System.Text;

namespace StorageOperator.Crypto.Keys;

/// <summary>
/// Go's <c>path.Join</c> / <c>path.Clean</c>, byte for byte: MinIO binds sealed keys and KMS contexts to
/// <c>path.Join(bucket, object)</c>, so "b//x/./y" must become "b/x/y" exactly as Go does it.
/// </summary>
public static class GoPath
{
    public static string Join(params string[] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var nonEmpty = elements.Where(e => !string.IsNullOrEmpty(e)).ToArray();
        return nonEmpty.Length == 0 ? string.Empty : Clean(string.Join('/', nonEmpty));
    }

    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var n = path.Length;
        var output = new StringBuilder(n);
        var r = 0;
        var dotdot = 0;
        if (rooted)
        {
            output.Append('/');
            r = 1;
            dotdot = 1;
        }

        while (r < n)
        {
            if (path[r] == '/')
            {
                r++;
            }
            else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))
            {
                r++;
            }
            else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/'))
            {
                r += 2;
                if (output.Length > dotdot)
                {
                    var w = output.Length - 1;
                    while (w > dotdot && output[w] != '/')
                    {
                        w--;
                    }

                    output.Length = w;
                }
                else if (!rooted)
                {
                    if (output.Length > 0)
                    {
                        output.Append('/');
                    }

                    output.Append("..");
                    dotdot = output.Length;
                }
            }
            else
            {
                if ((rooted && output.Length != 1) || (!rooted && output.Length != 0))
                {
                    output.Append('/');
                }

                while (r < n && path[r] != '/')
                {
                    output.Append(path[r]);
                    r++;
                }
            }
        }

        return output.Length == 0 ? "." : output.ToString();
    }
}
