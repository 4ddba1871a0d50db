using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SampleHost.Tests.Infrastructure;

/// <summary>An authenticated caller of the REST API; every call returns the status and the parsed JSON body.</summary>
public sealed class ApiClient(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<ApiResponse> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<ApiResponse> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, body);

    public Task<ApiResponse> PatchAsync(string path, object body) => SendAsync(HttpMethod.Patch, path, body);

    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public async Task<ApiResponse> SendRawAsync(HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        return await ApiResponse.ReadAsync(await http.SendAsync(request));
    }

    /// <summary>Creates a service and returns its id (fails the test if creation fails).</summary>
    public async Task<string> CreateServiceAsync(string name, string? tenantId = null, string status = "operational")
    {
        object body = tenantId is null ? new { name, status } : new { name, status, tenantId };
        var response = await PostAsync("/api/services", body);
        response.Status.Should().Be(HttpStatusCode.Created, response.Text);
        return response.Json.GetProperty("id").GetString()!;
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await ApiResponse.ReadAsync(await http.SendAsync(request));
    }

    public void Dispose() => http.Dispose();
}

public sealed record ApiResponse(HttpStatusCode Status, string Text, string? ContentType, Uri? Location)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return new ApiResponse(
                response.StatusCode,
                await response.Content.ReadAsStringAsync(),
                response.Content.Headers.ContentType?.MediaType,
                response.Headers.Location);
        }
    }
}
