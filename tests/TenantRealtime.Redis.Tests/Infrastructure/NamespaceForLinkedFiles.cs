// RedisServer moved to TenantRealtime.Testing. SampleHost.Tests links this file so its existing
// `using TenantRealtime.Redis.Tests.Infrastructure;` still resolves; remove both once that using is gone.
namespace TenantRealtime.Redis.Tests.Infrastructure;
