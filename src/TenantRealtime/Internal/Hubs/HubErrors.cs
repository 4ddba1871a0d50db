using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Internal.Hubs;

/// <summary>The coded errors of the wire contract: <c>HubException("&lt;code&gt;: &lt;sentence&gt;")</c>.</summary>
internal static class HubErrors
{
    public const string InvalidArgumentCode = "invalid-argument";
    public const string ForbiddenCode = "forbidden";
    public const string UnauthenticatedCode = "unauthenticated";

    public static HubException InvalidArgument(string sentence) => Create(InvalidArgumentCode, sentence);

    public static HubException Forbidden(string sentence) => Create(ForbiddenCode, sentence);

    public static HubException Unauthenticated(string sentence) => Create(UnauthenticatedCode, sentence);

    private static HubException Create(string code, string sentence) => new($"{code}: {sentence}");
}
