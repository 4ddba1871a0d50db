// The npm entry, for Node and for bundlers: binds the client to the `@microsoft/signalr` package.
import * as signalR from "@microsoft/signalr";
import { TenantRealtimeClient, type TenantRealtimeClientOptions } from "./client.js";

export * from "./core.js";

/**
 * Creates a client for the hub at `url` (e.g. `https://app.example.com/hubs/realtime`); it connects on `start()`.
 */
export function createTenantRealtimeClient(url: string, options: TenantRealtimeClientOptions = {}): TenantRealtimeClient {
  return new TenantRealtimeClient(url, { ...options, signalR });
}
