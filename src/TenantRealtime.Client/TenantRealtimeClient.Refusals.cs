using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

public sealed partial class TenantRealtimeClient
{
    /// <summary>
    /// Raised when the client stops reconnecting because the server refused it for good (401,
    /// <c>unauthenticated</c>: for example its token has expired and the <see cref="TenantRealtimeClientOptions.AccessTokenProvider"/>
    /// returned no fresh one). It is raised before <see cref="HubConnection.Closed"/>, whose exception only says that
    /// reconnecting ended. The client is disconnected; start it again with a valid token and its rooms resume.
    /// At <see cref="StartAsync"/> the same refusal is thrown instead.
    /// </summary>
    public event Func<ConnectionRefusedException, Task>? Refused;

    private async Task RaiseRefusedAsync(Exception refusal)
    {
        ClientLog.RefusedForGood(_logger, refusal.Message);
        if (Refused is { } handlers)
        {
            await handlers(RefusedConnects.ForGood(refusal)).ConfigureAwait(false);
        }
    }
}
