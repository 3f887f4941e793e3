using System.Text;

namespace ActorJobs.Actors;

/// <summary>
/// The address of an actor inside its system: <c>actorjobs://system-name/user/parent/child</c>.
/// Two paths are equal when their elements are equal; the <see cref="Uid"/> tells incarnations of the same name apart.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly string _text;

    // The text's hash, computed on first use: refs are dictionary keys on hot paths (a queue's workers), and hashing
    // the whole path text each time cost about 1% of a drain's CPU. 0 means not yet computed.
    private int _hashCode;

    private ActorPath(string systemName, ActorPath? parent, string name, long uid)
    {
        SystemName = systemName;
        Parent = parent;
        Name = name;
        Uid = uid;
        _text = parent is null ? $"actorjobs://{systemName}" : Compose(parent, name);
    }

    /// <summary>The name of the actor system this path belongs to.</summary>
    public string SystemName { get; }

    /// <summary>The parent's path, or null for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The last element: the actor's name.</summary>
    public string Name { get; }

    /// <summary>Identifies one incarnation: an actor stopped and started again under the same name has a new uid.</summary>
    public long Uid { get; }

    /// <summary>Number of elements below the root (the root has depth 0).</summary>
    public int Depth => Parent is null ? 0 : Parent.Depth + 1;

    /// <summary>The root path of a system.</summary>
    public static ActorPath Root(string systemName) => new(systemName, null, "", 0);

    /// <summary>The path of a child named <paramref name="name"/> under this one.</summary>
    public ActorPath Child(string name, long uid = 0) => new(SystemName, this, name, uid);

    /// <summary>The same path for another incarnation.</summary>
    internal ActorPath WithUid(long uid) => new(SystemName, Parent, Name, uid);

    /// <summary>The path elements below the root, e.g. <c>["user", "a", "b"]</c>.</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var list = new List<string>(Depth);
            for (var p = this; p.Parent is not null; p = p.Parent)
            {
                list.Add(p.Name);
            }
            list.Reverse();
            return list;
        }
    }

    /// <inheritdoc />
    public bool Equals(ActorPath? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hashCode = _hashCode;
        if (hashCode == 0)
        {
            // A benign race: every thread computes the same value. A text hashing to 0 is hashed each time.
            hashCode = _hashCode = StringComparer.Ordinal.GetHashCode(_text);
        }

        return hashCode;
    }

    /// <summary>The path without the uid, e.g. <c>actorjobs://sys/user/a</c>.</summary>
    public override string ToString() => _text;

    /// <summary>The path with the uid appended as <c>#uid</c>, as shown in logs to tell incarnations apart.</summary>
    public string ToStringWithUid() => Uid == 0 ? _text : $"{_text}#{Uid}";

    private static string Compose(ActorPath parent, string name)
    {
        var parentText = parent._text;
        var builder = new StringBuilder(parentText.Length + 1 + name.Length);
        builder.Append(parentText).Append('/').Append(name);
        return builder.ToString();
    }

    /// <summary>True when <paramref name="name"/> may be used as an actor name; otherwise <paramref name="error"/> says why.</summary>
    internal static bool IsValidName(string? name, out string error)
    {
        if (string.IsNullOrEmpty(name))
        {
            error = "Actor name must not be null or empty.";
            return false;
        }
        if (name[0] == '$')
        {
            error = $"Actor name [{name}] must not start with '$': such names are reserved for names the system generates.";
            return false;
        }
        foreach (var c in name)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || "-_.*+:@&=,!~';()".Contains(c, StringComparison.Ordinal);
            if (!ok)
            {
                error = char.IsControl(c)
                    ? $"Actor name [{EscapeControlCharacters(name)}] contains the control character U+{(int)c:X4}."
                    : $"Actor name [{name}] contains the character '{c}', which is not allowed in an actor path element.";
                return false;
            }
        }
        error = "";
        return true;
    }

    // A raw newline or escape sequence in an error message would garble it, and the logs it ends up in.
    private static string EscapeControlCharacters(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
