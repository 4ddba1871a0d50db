namespace SampleHost.Tests.Infrastructure;

/// <summary>Fresh organization ids, so tests sharing one host never see each other's data or events.</summary>
public static class Unique
{
    public static string Org() => $"org-{Guid.NewGuid():N}"[..16];
}
