using Microsoft.AspNetCore.SignalR;
using Codes = TenantRealtime.TenantRealtimeWire.Errors;

namespace TenantRealtime.Errors.Internal;

/// <summary>
/// The coded errors of the wire contract: <c>HubException("&lt;code&gt;: &lt;sentence&gt;")</c>, with the codes of
/// <see cref="TenantRealtimeWire.Errors"/>.
/// </summary>
internal static class HubErrors
{
    public static HubException InvalidArgument(string sentence) => Create(Codes.InvalidArgument, sentence);

    public static HubException Forbidden(string sentence) => Create(Codes.Forbidden, sentence);

    public static HubException Unauthenticated(string sentence) => Create(Codes.Unauthenticated, sentence);

    public static HubException RateLimited(string sentence) => Create(Codes.RateLimited, sentence);

    public static HubException LimitExceeded(string sentence) => Create(Codes.LimitExceeded, sentence);

    public static HubException Disabled(string sentence) => Create(Codes.Disabled, sentence);

    public static HubException Unavailable(string sentence) => Create(Codes.Unavailable, sentence);

    /// <summary>The code of a coded HubException message, for metrics tags.</summary>
    public static string CodeOf(HubException exception) =>
        exception.Message.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? exception.Message[..colon] : "error";

    private static HubException Create(string code, string sentence) => new($"{code}: {sentence}");
}
