using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TenantRealtime;

/// <summary>
/// The format of a topic name (a topic is a room the app defines inside a tenant or an organization): 1 to 128 characters by default of <c>[A-Za-z0-9_.-]</c> in
/// segments joined by single <c>:</c>, for example <c>incident:42</c> or <c>board:7:cursors</c>, compared ordinally. The
/// name comes last in a topic's room key, so its <c>:</c> never makes two topics meet.
/// </summary>
public static class TopicNames
{
    /// <summary>The default maximum length of a topic name: 128.</summary>
    public const int DefaultMaxLength = 128;

    /// <summary>The largest maximum length <see cref="TenantRealtimeOptions.MaxTopicNameLength"/> may be set to: 256.</summary>
    public const int MaxSupportedLength = 256;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-:");

    /// <summary>Returns whether <paramref name="topic"/> is a well-formed topic name of at most <paramref name="maxLength"/> characters.</summary>
    /// <param name="topic">The name to check.</param>
    /// <param name="maxLength">The maximum length. The default is <see cref="DefaultMaxLength"/>.</param>
    /// <returns><see langword="true"/> when the name is well-formed: no empty segment (no leading, trailing or double <c>:</c>).</returns>
    public static bool IsValid([NotNullWhen(true)] string? topic, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(topic) || topic.Length > maxLength || topic.AsSpan().ContainsAnyExcept(Allowed))
        {
            return false;
        }

        return topic[0] != ':' && topic[^1] != ':' && !topic.Contains("::", StringComparison.Ordinal);
    }

    /// <summary>What a well-formed topic name is, as every refusal of a malformed one spells it.</summary>
    internal static string Rule(string? name, int maxLength) =>
        $"'{name}' must be a topic name of 1 to {maxLength} characters of [A-Za-z0-9_.-] in segments joined by single ':'.";

    internal static void ThrowIfInvalid([NotNull] string? topic, int maxLength, [CallerArgumentExpression(nameof(topic))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(topic, paramName);
        if (!IsValid(topic, maxLength))
        {
            throw new ArgumentException(Rule(paramName, maxLength), paramName);
        }
    }
}
