using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Hosting.Internal;

/// <summary>The coded errors of the wire contract: <c>HubException("&lt;code&gt;: &lt;sentence&gt;")</c>.</summary>
internal static class HubErrors
{
    public const string InvalidArgumentCode = "invalid-argument";
    public const string ForbiddenCode = "forbidden";
    public const string UnauthenticatedCode = "unauthenticated";
    public const string RateLimitedCode = "rate-limited";
    public const string LimitExceededCode = "limit-exceeded";

    public static HubException InvalidArgument(string sentence) => Create(InvalidArgumentCode, sentence);

    public static HubException Forbidden(string sentence) => Create(ForbiddenCode, sentence);

    public static HubException Unauthenticated(string sentence) => Create(UnauthenticatedCode, sentence);

    public static HubException RateLimited(string sentence) => Create(RateLimitedCode, sentence);

    public static HubException LimitExceeded(string sentence) => Create(LimitExceededCode, sentence);

    /// <summary>The code of a coded HubException message, for metrics tags.</summary>
    public static string CodeOf(HubException exception) =>
        exception.Message.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? exception.Message[..colon] : "error";

    private static HubException Create(string code, string sentence) => new($"{code}: {sentence}");
}
