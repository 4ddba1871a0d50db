namespace SampleHost.Api;

/// <summary>A field of a merge patch: absent (leave as is) or present, possibly <see langword="null"/> (remove).</summary>
internal readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Unset => default;

    public static Optional<T> Of(T value) => new(true, value);

    public T Or(T current) => IsSet ? Value : current;
}
