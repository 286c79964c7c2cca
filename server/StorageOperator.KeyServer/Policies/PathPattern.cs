namespace StorageOperator.KeyServer.Policies;

/// <summary>
/// KES policy patterns. A request path matches when Go's <c>path.Match</c> accepts it (<c>*</c> and <c>?</c> stay inside
/// one segment; <c>[a-z]</c> classes; <c>\</c> escapes) — the semantics of KES's config policies — or, as in the current
/// kes-go client (<c>policy.go</c>), when the pattern ends in <c>*</c> and the path starts with what precedes it.
/// A malformed pattern matches nothing.
/// </summary>
public static class PathPattern
{
    public static bool Matches(string pattern, string path)
    {
        if (pattern.Length == 0)
        {
            return false;
        }

        if (pattern[^1] == '*' && path.StartsWith(pattern[..^1], StringComparison.Ordinal))
        {
            return true;
        }

        return GoPathMatch(pattern, path);
    }

    /// <summary>A port of Go's <c>path.Match</c>; an invalid pattern yields false.</summary>
    public static bool GoPathMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        while (pattern.Length > 0)
        {
            var star = ScanChunk(pattern, out var chunk, out var rest);
            pattern = rest;
            if (star && chunk.IsEmpty)
            {
                return !name.Contains('/');
            }

            var ok = MatchChunk(chunk, name, out var remaining, out var bad);
            if (bad)
            {
                return false;
            }

            if (ok && (remaining.IsEmpty || pattern.Length > 0))
            {
                name = remaining;
                continue;
            }

            var advanced = false;
            if (star)
            {
                for (var i = 0; i < name.Length && name[i] != '/'; i++)
                {
                    ok = MatchChunk(chunk, name[(i + 1)..], out remaining, out bad);
                    if (bad)
                    {
                        return false;
                    }

                    if (ok)
                    {
                        if (pattern.IsEmpty && !remaining.IsEmpty)
                        {
                            continue;
                        }

                        name = remaining;
                        advanced = true;
                        break;
                    }
                }
            }

            if (!advanced)
            {
                return false;
            }
        }

        return name.IsEmpty;
    }

    private static bool ScanChunk(ReadOnlySpan<char> pattern, out ReadOnlySpan<char> chunk, out ReadOnlySpan<char> rest)
    {
        var star = false;
        while (pattern.Length > 0 && pattern[0] == '*')
        {
            pattern = pattern[1..];
            star = true;
        }

        var inRange = false;
        var i = 0;
        for (; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 < pattern.Length)
                {
                    i++;
                }
            }
            else if (c == '[')
            {
                inRange = true;
            }
            else if (c == ']')
            {
                inRange = false;
            }
            else if (c == '*' && !inRange)
            {
                break;
            }
        }

        chunk = pattern[..i];
        rest = pattern[i..];
        return star;
    }

    private static bool MatchChunk(ReadOnlySpan<char> chunk, ReadOnlySpan<char> s, out ReadOnlySpan<char> rest, out bool bad)
    {
        rest = default;
        bad = false;
        var failed = false;
        while (chunk.Length > 0)
        {
            if (!failed && s.IsEmpty)
            {
                failed = true;
            }

            switch (chunk[0])
            {
                case '[':
                {
                    var r = '\0';
                    if (!failed)
                    {
                        r = s[0];
                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    var negated = false;
                    if (chunk.Length > 0 && chunk[0] == '^')
                    {
                        negated = true;
                        chunk = chunk[1..];
                    }

                    var match = false;
                    var ranges = 0;
                    while (true)
                    {
                        if (chunk.Length > 0 && chunk[0] == ']' && ranges > 0)
                        {
                            chunk = chunk[1..];
                            break;
                        }

                        if (!GetEscaped(ref chunk, out var lo))
                        {
                            bad = true;
                            return false;
                        }

                        var hi = lo;
                        if (chunk.Length > 0 && chunk[0] == '-')
                        {
                            chunk = chunk[1..];
                            if (!GetEscaped(ref chunk, out hi))
                            {
                                bad = true;
                                return false;
                            }
                        }

                        if (lo <= r && r <= hi)
                        {
                            match = true;
                        }

                        ranges++;
                    }

                    if (match == negated)
                    {
                        failed = true;
                    }

                    break;
                }

                case '?':
                    if (!failed)
                    {
                        if (s[0] == '/')
                        {
                            failed = true;
                        }

                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    break;
                default:
                    if (chunk[0] == '\\')
                    {
                        chunk = chunk[1..];
                        if (chunk.IsEmpty)
                        {
                            bad = true;
                            return false;
                        }
                    }

                    if (!failed)
                    {
                        if (chunk[0] != s[0])
                        {
                            failed = true;
                        }

                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    break;
            }
        }

        if (failed)
        {
            return false;
        }

        rest = s;
        return true;
    }

    private static bool GetEscaped(ref ReadOnlySpan<char> chunk, out char c)
    {
        c = '\0';
        if (chunk.IsEmpty || chunk[0] == '-' || chunk[0] == ']')
        {
            return false;
        }

        if (chunk[0] == '\\')
        {
            chunk = chunk[1..];
            if (chunk.IsEmpty)
            {
                return false;
            }
        }

        c = chunk[0];
        chunk = chunk[1..];
        return true;
    }
}
