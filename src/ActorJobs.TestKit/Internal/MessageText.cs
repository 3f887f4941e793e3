using System.Globalization;
using ActorJobs.Actors;

namespace ActorJobs.TestKit.Internal;

/// <summary>How failure messages show messages, types and durations, so every expectation reads the same way.</summary>
internal static class MessageText
{
    private const int MaxLength = 300;

    /// <summary>A message with its type (when its text does not already show it) and its sender.</summary>
    public static string Describe(ReceivedMessage received, IActorRef deadLetters) =>
        $"{Describe(received.Message)} from {DescribeSender(received.Sender, deadLetters)}";

    /// <summary>A message as text: strings quoted, records as they print, other objects with their type name.</summary>
    public static string Describe(object? message)
    {
        if (message is null)
        {
            return "null";
        }
        if (message is string text)
        {
            return Clip($"\"{text}\" (string)");
        }
        var type = message.GetType();
        var shown = Convert.ToString(message, CultureInfo.InvariantCulture) ?? "";
        if (shown.Length == 0 || shown == type.FullName || shown == type.ToString())
        {
            return TypeName(type); // the default ToString says nothing more than the type
        }
        var name = TypeName(type);
        return Clip(shown.StartsWith(type.Name.Split('`')[0], StringComparison.Ordinal) ? shown : $"{shown} ({name})");
    }

    /// <summary>A short type name that shows generic arguments: <c>List&lt;Int32&gt;</c> rather than <c>List`1</c>.</summary>
    public static string TypeName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }
        var name = type.Name.Split('`')[0];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    /// <summary>A duration in milliseconds, e.g. "250 ms".</summary>
    public static string Ms(TimeSpan duration) => $"{duration.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms";

    private static string DescribeSender(IActorRef sender, IActorRef deadLetters) =>
        sender.Equals(deadLetters) ? "no sender" : sender.Path.ToString();

    private static string Clip(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "…");
}
