namespace SampleHost.Realtime;

/// <summary>The envelope <c>type</c> values of the host's broadcasts, and the kinds of change a <see cref="ChangeSet"/> carries.</summary>
internal static class ChangeTypes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Resolved = "resolved";
    public const string Deleted = "deleted";
}
